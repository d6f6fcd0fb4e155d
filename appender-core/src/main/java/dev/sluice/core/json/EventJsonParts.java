package dev.sluice.core.json;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * The parts of the canonical event JSON one at a time, as JSON text, for destinations that store fields in columns
 * (the SQLite appender). Each part is exactly what {@link EventJsonEncoder} writes for that field with the same
 * settings: the same truncation, caps, escaping and value mapping. A part the encoder would leave out is
 * {@code null}.
 *
 * <p>Thread-safe and immutable.
 */
public final class EventJsonParts {

    private final EventJsonSettings settings;
    private final ThrowableJsonWriter throwables;

    public EventJsonParts(EventJsonSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.throwables = new ThrowableJsonWriter(settings);
    }

    /** The settings these parts follow. */
    public EventJsonSettings settings() {
        return settings;
    }

    /** {@code text} cut to {@link EventJsonSettings#maxStringLength()} as the encoder cuts the message; null stays null. */
    public String truncate(String text) {
        return Truncation.truncate(text, settings.maxStringLength());
    }

    /** The {@code mdc} object, or null when the map is null or empty. */
    public String mdc(Map<String, String> mdc) {
        if (mdc == null || mdc.isEmpty()) {
            return null;
        }
        return json(g -> EventJsonEncoder.writeMdcObject(g, mdc, settings.maxStringLength()));
    }

    /** The {@code kv} object, or null when there is no non-null pair. */
    public String keyValues(List<KeyValuePair> pairs) {
        if (pairs == null || !EventJsonEncoder.containsNonNull(pairs)) {
            return null;
        }
        return json(g -> EventJsonEncoder.writeKeyValueObject(g, pairs, settings.maxStringLength()));
    }

    /** The {@code markers} array, or null when no marker has a name. */
    public String markers(List<Marker> markers) {
        if (!EventJsonEncoder.hasNamedMarker(markers)) {
            return null;
        }
        return json(g -> EventJsonEncoder.writeMarkerArray(g, markers));
    }

    /** The {@code throwable} object, or null when there is none. */
    public String throwable(IThrowableProxy proxy) {
        if (proxy == null) {
            return null;
        }
        return json(g -> throwables.write(g, proxy));
    }

    /** The {@code caller} object, or null when the event carries no caller data (it is never computed here). */
    public String caller(ILoggingEvent event) {
        StackTraceElement caller = EventJsonEncoder.callerOf(event);
        if (caller == null) {
            return null;
        }
        return json(g -> ThrowableJsonWriter.writeFrame(g, caller));
    }

    private interface PartWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(PartWriter part) {
        // Through UTF-8 bytes, as the encoder writes: lone surrogates become escapes, so the text is valid Unicode.
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = EventJsonEncoder.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            part.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
