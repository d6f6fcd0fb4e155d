package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.json.EventJsonParts;
import dev.sluice.core.json.PythonLevel;
import dev.sluice.core.json.UnicodeText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * The body LogHive's producer writes and its consumer validates, {@code {"service", "level", "message",
 * "information", "timestamp"}}, so that a consumer written for LogHive reads Sluice's messages unchanged: Python's
 * level names, the MDC and the SLF4J key-values as {@code information} (key-values win over MDC entries of the same
 * name), and the time as {@code yyyy-MM-dd HH:mm:ss} in UTC (LogHive writes the producer's local time, without a
 * zone). Long strings are cut as the canonical JSON cuts them; an exception's class and message are appended to the
 * message.
 */
final class LogHivePayload {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final EventJsonParts parts;
    private final String service;

    LogHivePayload(EventJsonParts parts) {
        this.parts = parts;
        this.service = parts.settings().service();
    }

    byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("service", service);
            g.writeStringField("level", PythonLevel.of(event.getLevel()));
            g.writeStringField("message", text(message(event)));
            g.writeObjectFieldStart("information");
            Map<String, String> mdc = event.getMDCPropertyMap();
            Set<String> keyValueKeys = keyValueKeys(event);
            if (mdc != null) {
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    if (!keyValueKeys.contains(entry.getKey())) {
                        g.writeStringField(text(entry.getKey()), text(entry.getValue()));
                    }
                }
            }
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    g.writeStringField(text(pair.key), text(String.valueOf(pair.value)));
                }
            }
            g.writeEndObject();
            g.writeStringField("timestamp", TIMESTAMP.format(event.getInstant()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static String message(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (event.getThrowableProxy() == null) {
            return message;
        }
        return message + " (" + event.getThrowableProxy().getClassName() + ": "
                + event.getThrowableProxy().getMessage() + ")";
    }

    private static Set<String> keyValueKeys(ILoggingEvent event) {
        Set<String> keys = new HashSet<>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(pair -> keys.add(pair.key));
        }
        return keys;
    }

    private String text(String value) {
        return value == null ? null : UnicodeText.valid(parts.truncate(value));
    }
}
