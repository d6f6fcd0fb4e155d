package dev.sluice.core.json;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
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

    private static final int INITIAL_BUFFER_BYTES = 128;

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
        return text(out -> EventJsonEncoder.writeMdcObject(out, mdc, settings.maxStringLength()));
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
        return text(out -> EventJsonEncoder.writeMarkerArray(out, markers));
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

    /** A part Jackson writes, as the encoder has it do. */
    private static String json(EventJsonEncoder.NestedPart part) {
        return text(out -> EventJsonEncoder.nested(out, part));
    }

    private static String text(Consumer<JsonByteWriter> part) {
        // Through UTF-8 bytes, as the encoder writes: lone surrogates become escapes, so the text is valid Unicode.
        JsonByteWriter out = new JsonByteWriter(INITIAL_BUFFER_BYTES);
        part.accept(out);
        return out.toUtf8String();
    }
}
