package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.json.PythonLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The payload of the seed's Python handler, {@code {"message", "level", "timestamp", "logger", "pod"}}, so that a
 * consumer written for it reads Sluice's output unchanged: Python's level names ({@code WARN} is {@code WARNING};
 * {@code TRACE} is {@code DEBUG}, Python's lowest), the timestamp in epoch seconds with milliseconds as a fraction,
 * and the host as {@code pod}. Long messages are cut as the canonical JSON cuts them.
 */
final class SeedPayload {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final String pod;
    private final dev.sluice.core.json.EventJsonParts parts;

    SeedPayload(dev.sluice.core.json.EventJsonParts parts) {
        this.parts = parts;
        this.pod = parts.settings().host();
    }

    byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("message", parts.truncate(event.getFormattedMessage()));
            g.writeStringField("level", PythonLevel.of(event.getLevel()));
            g.writeFieldName("timestamp");
            g.writeNumber(BigDecimal.valueOf(event.getTimeStamp(), 3));
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("pod", pod);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }
}
