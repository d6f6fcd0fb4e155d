package dev.sluice.core.json;

import static dev.sluice.core.json.EventJsonFields.CALLER;
import static dev.sluice.core.json.EventJsonFields.HOST;
import static dev.sluice.core.json.EventJsonFields.KV;
import static dev.sluice.core.json.EventJsonFields.LEVEL;
import static dev.sluice.core.json.EventJsonFields.LOGGER;
import static dev.sluice.core.json.EventJsonFields.MARKERS;
import static dev.sluice.core.json.EventJsonFields.MDC;
import static dev.sluice.core.json.EventJsonFields.MESSAGE;
import static dev.sluice.core.json.EventJsonFields.PID;
import static dev.sluice.core.json.EventJsonFields.SCHEMA_VERSION;
import static dev.sluice.core.json.EventJsonFields.SEQ;
import static dev.sluice.core.json.EventJsonFields.SERVICE;
import static dev.sluice.core.json.EventJsonFields.THREAD;
import static dev.sluice.core.json.EventJsonFields.THROWABLE;
import static dev.sluice.core.json.EventJsonFields.TS;
import static dev.sluice.core.json.EventJsonFields.V;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Writes an {@link ILoggingEvent} as one canonical event JSON object (schema version 1, described by
 * {@code dev/sluice/core/json/sluice-event-v1.schema.json}), UTF-8, without a trailing newline.
 *
 * <p>Fields, in this order: {@code v}, {@code ts}, {@code level}, {@code logger}, {@code thread}, {@code message} (the
 * formatted message, or {@code null}), {@code mdc} (omitted when empty), {@code kv} and {@code markers} (omitted when
 * empty or holding only {@code null}s), {@code throwable} (omitted when none), {@code caller} (only when the event
 * carries caller data), {@code service} and {@code host} (omitted when {@code null}), {@code pid}, {@code seq}.
 *
 * <p>Only events at {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR} are encoded; an event
 * without a level, at {@code OFF} or {@code ALL} (thresholds, not event levels), or without a logger name is refused
 * with an {@link IllegalArgumentException}.
 *
 * <ul>
 *   <li>{@code kv}: every SLF4J key-value pair in order. Duplicate keys are written as they are; Sluice's decoder keeps
 *       every pair, generic JSON readers usually keep the last. Strings and booleans are written as such, integral
 *       numbers ({@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code BigInteger}) as JSON integers,
 *       {@code Float}, {@code Double} and {@code BigDecimal} as JSON numbers (NaN and infinities as the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), {@code null} as JSON null, anything else as
 *       {@link String#valueOf(Object)} ({@code "[FAILED toString()]"} if that throws anything but an {@link OutOfMemoryError}
 *       or another {@link VirtualMachineError}; a {@link StackOverflowError} from a recursive {@code toString()} is
 *       caught too).
 *   <li>{@code markers}: the names of the event's top-level markers only; markers referenced by them are not written,
 *       nor are {@code null} markers or names.
 *   <li>{@code throwable}: the logged throwable, its cause and suppressed throwables, recursively, within
 *       {@link EventJsonSettings#maxThrowableDepth()} (deeper ones are left out and the last one written is marked
 *       {@code truncated}), {@link EventJsonSettings#maxFrames()} per throwable and
 *       {@link EventJsonSettings#maxTotalFrames()} in the whole tree (frames left out are counted in
 *       {@code omittedFrames}, as are frames shared with the enclosing trace), and
 *       {@link EventJsonSettings#maxSuppressed()} per throwable (the first ones are written, the rest counted in
 *       {@code omittedSuppressed}). A throwable seen again on its own path is written once more as {@code cyclic}.
 *   <li>Long strings: the message, MDC values, {@code kv} string values (including the {@code toString()} of other
 *       objects) and throwable messages longer than {@link EventJsonSettings#maxStringLength()} characters are cut to
 *       that length, the end replaced by a marker that counts the characters left out: {@code "first
 *       characters…[truncated 1234567 chars]"}. A surrogate pair is never split. Other strings are written whole.
 *   <li>Strings are escaped by Jackson: control characters become escapes, surrogate pairs become 4-byte UTF-8, and a
 *       lone surrogate (not valid Unicode) in a value becomes a {@code \}{@code uXXXX} escape, so the output is always
 *       valid UTF-8 and {@link EventJsonDecoder} restores the same Java string. In {@code mdc} and {@code kv} keys a
 *       lone surrogate is replaced by U+FFFD, because JSON parsers (Jackson's included) reject it in field names.
 * </ul>
 *
 * <p>Re-encoding a {@link DecodedLoggingEvent} (a relay or consumer forwarding what it received) keeps the producer's
 * identity: its {@code service}, {@code host} and {@code pid} are written, not this encoder's settings, and any of
 * them it did not carry stays absent. A {@link DecodedThrowableProxy} keeps its counts: its {@code omittedFrames} are
 * added to any frames this encoder leaves out, its {@code omittedSuppressed} to any suppressed throwables it leaves
 * out, and {@code truncated} stays set.
 *
 * <p>Thread-safe and immutable; one instance can serve any number of threads.
 */
public final class EventJsonEncoder {

    /** Written instead of a {@code kv} value whose {@code toString()} throws, as SLF4J does for arguments. */
    static final String FAILED_TO_STRING = "[FAILED toString()]";

    // Shared by every encoder: a JsonFactory is thread-safe and recycles its buffers.
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            // The caller owns the stream: do not close it, and leave flushing to it (an appender flushes per batch).
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .build();

    private static final int INITIAL_BUFFER_BYTES = 512;

    private final EventJsonSettings settings;
    private final TimestampFormatter timestamps = new TimestampFormatter();
    private final ThrowableJsonWriter throwables;

    /** An encoder with {@link EventJsonSettings#defaults()}. */
    public EventJsonEncoder() {
        this(EventJsonSettings.defaults());
    }

    /** An encoder with the given settings. */
    public EventJsonEncoder(EventJsonSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.throwables = new ThrowableJsonWriter(settings);
    }

    /** The settings this encoder was built with. */
    public EventJsonSettings settings() {
        return settings;
    }

    /**
     * Encodes one event.
     *
     * @return a new array holding one JSON object, UTF-8, no trailing newline
     * @throws IllegalArgumentException if the event has no level, a level other than {@code TRACE}, {@code DEBUG},
     *     {@code INFO}, {@code WARN} or {@code ERROR} (that is, {@code OFF} or {@code ALL}), or no logger name
     */
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        encodeTo(event, out);
        return out.toByteArray();
    }

    /**
     * Writes one event to {@code out}: one JSON object, UTF-8, no trailing newline. The stream is neither flushed nor
     * closed. Nothing is written when the event is rejected.
     *
     * @throws IOException if {@code out} fails; part of the object may have been written by then
     * @throws IllegalArgumentException if the event has no level, a level other than {@code TRACE}, {@code DEBUG},
     *     {@code INFO}, {@code WARN} or {@code ERROR} (that is, {@code OFF} or {@code ALL}), or no logger name
     */
    public void encode(ILoggingEvent event, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        requireValid(event);
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        write(g, event);
        // Closed only on success: closing after a failure would push a half-written object into the stream.
        g.close();
    }

    /** Encodes one event followed by {@code '\n'}: one NDJSON line. */
    byte[] encodeLine(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        encodeTo(event, out);
        out.write('\n');
        return out.toByteArray();
    }

    private void encodeTo(ILoggingEvent event, ByteArrayOutputStream out) {
        try {
            encode(event, out);
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; Jackson only declares it.
            throw new UncheckedIOException(e);
        }
    }

    private static void requireValid(ILoggingEvent event) {
        Objects.requireNonNull(event, "event");
        Level level = event.getLevel();
        if (level == null) {
            throw new IllegalArgumentException("event has no level");
        }
        if (!isEventLevel(level)) {
            throw new IllegalArgumentException(
                    "event has level " + level
                            + ", which is a threshold, not an event level: only TRACE, DEBUG, INFO, WARN and ERROR are encoded");
        }
        if (event.getLoggerName() == null) {
            throw new IllegalArgumentException("event has no logger name");
        }
    }

    /** The five levels an event can have; {@code OFF} and {@code ALL} are only thresholds. */
    private static boolean isEventLevel(Level level) {
        switch (level.toInt()) {
            case Level.TRACE_INT:
            case Level.DEBUG_INT:
            case Level.INFO_INT:
            case Level.WARN_INT:
            case Level.ERROR_INT:
                return true;
            default:
                return false;
        }
    }

    private void write(JsonGenerator g, ILoggingEvent event) throws IOException {
        Level level = event.getLevel();
        g.writeStartObject();
        g.writeNumberField(V, SCHEMA_VERSION);
        g.writeStringField(TS, timestamps.format(event.getTimeStamp()));
        g.writeStringField(LEVEL, level.toString());
        g.writeStringField(LOGGER, event.getLoggerName());
        g.writeStringField(THREAD, event.getThreadName());
        g.writeStringField(MESSAGE, Truncation.truncate(event.getFormattedMessage(), settings.maxStringLength()));
        writeMdc(g, event.getMDCPropertyMap());
        writeKeyValues(g, event.getKeyValuePairs());
        writeMarkers(g, event.getMarkerList());
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            g.writeFieldName(THROWABLE);
            throwables.write(g, throwable);
        }
        writeCaller(g, event);
        if (event instanceof DecodedLoggingEvent) {
            writeIdentity(g, (DecodedLoggingEvent) event);
        } else {
            writeIdentity(g, settings.service(), settings.host(), settings.pid());
        }
        g.writeNumberField(SEQ, event.getSequenceNumber());
        g.writeEndObject();
    }

    /**
     * A decoded event keeps the identity of the process that logged it, as a whole: its {@code seq} counts that
     * process's events, and a relay that forwards it must not pass it off as its own.
     */
    private static void writeIdentity(JsonGenerator g, DecodedLoggingEvent event) throws IOException {
        writeIdentity(g, event.getService(), event.getHost(), event.getPid());
    }

    private static void writeIdentity(JsonGenerator g, String service, String host, long pid) throws IOException {
        if (service != null) {
            g.writeStringField(SERVICE, service);
        }
        if (host != null) {
            g.writeStringField(HOST, host);
        }
        if (pid != DecodedLoggingEvent.UNKNOWN_PID) {
            g.writeNumberField(PID, pid);
        }
    }

    private void writeMdc(JsonGenerator g, Map<String, String> mdc) throws IOException {
        if (mdc != null && !mdc.isEmpty()) {
            g.writeFieldName(MDC);
            writeMdcObject(g, mdc, settings.maxStringLength());
        }
    }

    /** The {@code mdc} object itself; {@code mdc} must not be empty. */
    static void writeMdcObject(JsonGenerator g, Map<String, String> mdc, int maxStringLength) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> entry : mdc.entrySet()) {
            g.writeStringField(fieldName(entry.getKey()), Truncation.truncate(entry.getValue(), maxStringLength));
        }
        g.writeEndObject();
    }

    private void writeKeyValues(JsonGenerator g, List<KeyValuePair> pairs) throws IOException {
        if (pairs != null && containsNonNull(pairs)) {
            g.writeFieldName(KV);
            writeKeyValueObject(g, pairs, settings.maxStringLength());
        }
    }

    /** The {@code kv} object itself; {@code pairs} must hold a non-null pair. */
    static void writeKeyValueObject(JsonGenerator g, List<KeyValuePair> pairs, int maxStringLength) throws IOException {
        g.writeStartObject();
        for (KeyValuePair pair : pairs) {
            if (pair != null) {
                g.writeFieldName(fieldName(pair.key));
                KeyValueJson.writeValue(g, pair.value, maxStringLength);
            }
        }
        g.writeEndObject();
    }

    /**
     * An MDC or kv key as a JSON field name. Unpaired surrogates become U+FFFD: Jackson's parser accepts them escaped
     * in string values but rejects them in field names, and the decoder must read whatever the encoder writes.
     */
    static String fieldName(String key) {
        return key == null ? "null" : UnicodeText.valid(key);
    }

    private static void writeMarkers(JsonGenerator g, List<Marker> markers) throws IOException {
        if (hasNamedMarker(markers)) {
            g.writeFieldName(MARKERS);
            writeMarkerArray(g, markers);
        }
    }

    /** Whether {@code markers} holds a marker with a name: only such markers are written. */
    static boolean hasNamedMarker(List<Marker> markers) {
        if (markers != null) {
            for (Marker marker : markers) {
                if (marker != null && marker.getName() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The {@code markers} array itself: the names of the non-null markers. */
    static void writeMarkerArray(JsonGenerator g, List<Marker> markers) throws IOException {
        g.writeStartArray();
        for (Marker marker : markers) {
            String name = marker == null ? null : marker.getName();
            if (name != null) {
                g.writeString(name);
            }
        }
        g.writeEndArray();
    }

    /** Whether {@code list} holds at least one non-null element: a field of only {@code null}s is left out. */
    static boolean containsNonNull(List<?> list) {
        for (Object each : list) {
            if (each != null) {
                return true;
            }
        }
        return false;
    }

    private static void writeCaller(JsonGenerator g, ILoggingEvent event) throws IOException {
        StackTraceElement caller = callerOf(event);
        if (caller != null) {
            g.writeFieldName(CALLER);
            ThrowableJsonWriter.writeFrame(g, caller);
        }
    }

    /** The first caller frame the event carries, or null; never computes caller data. */
    static StackTraceElement callerOf(ILoggingEvent event) {
        // hasCallerData() first: getCallerData() on a LoggingEvent would compute caller data as a side effect.
        if (!event.hasCallerData()) {
            return null;
        }
        StackTraceElement[] callerData = event.getCallerData();
        return callerData != null && callerData.length > 0 ? callerData[0] : null;
    }
}
