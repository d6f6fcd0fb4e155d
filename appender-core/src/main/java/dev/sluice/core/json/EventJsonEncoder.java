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
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
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
 *   <li>Strings are escaped as Jackson escapes them: control characters become escapes, surrogate pairs become 4-byte
 *       UTF-8, and a lone surrogate (not valid Unicode) in a value becomes a {@code \}{@code uXXXX} escape, so the
 *       output is always valid UTF-8 and {@link EventJsonDecoder} restores the same Java string. In {@code mdc} and
 *       {@code kv} keys a lone surrogate is replaced by U+FFFD, because JSON parsers (Jackson's included) reject it in
 *       field names.
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

    /** A thread's buffer grown beyond this is dropped after the event, so a huge event's memory is not kept. */
    private static final int MAX_RETAINED_BYTES = 64 * 1024;

    // Each thread reuses its buffer: an encode then allocates only the array it returns.
    private static final ThreadLocal<JsonByteWriter> BUFFERS =
            ThreadLocal.withInitial(() -> new JsonByteWriter(INITIAL_BUFFER_BYTES, true));

    // The shapes of recurring text, one instance each, so that JsonByteWriter.recurring recognises them.
    private static final UnaryOperator<String> AS_IS = text -> text;

    /** An MDC key becomes a field name. */
    private static final UnaryOperator<String> AS_FIELD_NAME = EventJsonEncoder::fieldName;

    // The fixed parts of every event, written as they are.
    private static final byte[] HEAD = ascii("{\"" + V + "\":" + SCHEMA_VERSION + ",\"" + TS + "\":\"");
    private static final byte[] THREAD_NAME = ascii(",\"" + THREAD + "\":");
    private static final byte[] MESSAGE_NAME = ascii(",\"" + MESSAGE + "\":");
    private static final byte[] SEQ_NAME = ascii(",\"" + SEQ + "\":");

    /** From the end of the timestamp to the logger name's value, for each level. */
    private static final byte[] TRACE_TO_LOGGER = levelToLoggerBytes(Level.TRACE);

    private static final byte[] DEBUG_TO_LOGGER = levelToLoggerBytes(Level.DEBUG);
    private static final byte[] INFO_TO_LOGGER = levelToLoggerBytes(Level.INFO);
    private static final byte[] WARN_TO_LOGGER = levelToLoggerBytes(Level.WARN);
    private static final byte[] ERROR_TO_LOGGER = levelToLoggerBytes(Level.ERROR);

    private final EventJsonSettings settings;
    /** This process's {@code service}, {@code host} and {@code pid} members, the same for every event it logs. */
    private final byte[] identity;

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
        JsonByteWriter members = new JsonByteWriter(INITIAL_BUFFER_BYTES);
        writeIdentity(members, settings.service(), settings.host(), settings.pid());
        this.identity = members.toByteArray();
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
        return encoded(event, false);
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
        out.write(encode(event));
    }

    /** Encodes one event followed by {@code '\n'}: one NDJSON line. */
    byte[] encodeLine(ILoggingEvent event) {
        return encoded(event, true);
    }

    private byte[] encoded(ILoggingEvent event, boolean newline) {
        JsonByteWriter out = buffer();
        try {
            write(event, out);
            if (newline) {
                out.raw('\n');
            }
            return out.toByteArray();
        } finally {
            out.release(MAX_RETAINED_BYTES);
        }
    }

    /** This thread's buffer, or a new one while this thread already encodes (a kv value's toString() that logs). */
    private static JsonByteWriter buffer() {
        JsonByteWriter reused = BUFFERS.get();
        return reused.claim() ? reused : new JsonByteWriter(INITIAL_BUFFER_BYTES);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] levelToLoggerBytes(Level level) {
        return ascii("\",\"" + LEVEL + "\":\"" + level + "\",\"" + LOGGER + "\":");
    }

    private static byte[] levelToLogger(int level) {
        switch (level) {
            case Level.TRACE_INT:
                return TRACE_TO_LOGGER;
            case Level.DEBUG_INT:
                return DEBUG_TO_LOGGER;
            case Level.INFO_INT:
                return INFO_TO_LOGGER;
            case Level.WARN_INT:
                return WARN_TO_LOGGER;
            default:
                return ERROR_TO_LOGGER;
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

    /** The whole event, written into {@code out}: the object is complete before anything reaches a stream. */
    private JsonByteWriter write(ILoggingEvent event, JsonByteWriter out) {
        requireValid(event);
        timestamps.writeTo(event.getTimeStamp(), out.raw(HEAD));
        out.raw(levelToLogger(event.getLevel().toInt())).recurring(event.getLoggerName(), AS_IS);
        out.raw(THREAD_NAME).recurring(event.getThreadName(), AS_IS);
        out.raw(MESSAGE_NAME).string(Truncation.truncate(event.getFormattedMessage(), settings.maxStringLength()));
        writeMdc(out, event.getMDCPropertyMap());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null && containsNonNull(pairs)) {
            out.name(KV, false);
            nested(out, g -> writeKeyValueObject(g, pairs, settings.maxStringLength()));
        }
        writeMarkers(out, event.getMarkerList());
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            out.name(THROWABLE, false);
            nested(out, g -> throwables.write(g, throwable));
        }
        StackTraceElement caller = callerOf(event);
        if (caller != null) {
            out.name(CALLER, false);
            nested(out, g -> ThrowableJsonWriter.writeFrame(g, caller));
        }
        if (event instanceof DecodedLoggingEvent) {
            writeIdentity(out, (DecodedLoggingEvent) event);
        } else {
            out.raw(identity);
        }
        out.raw(SEQ_NAME).number(event.getSequenceNumber());
        return out.raw('}');
    }

    /** A part Jackson writes: throwables, key-value pairs and frames, rare and varied enough not to matter. */
    interface NestedPart {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes {@code part} into {@code out} as a JSON value of its own. */
    static void nested(JsonByteWriter out, NestedPart part) {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            part.write(g);
        } catch (IOException e) {
            // The buffer does not fail; Jackson only declares it.
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A decoded event keeps the identity of the process that logged it, as a whole: its {@code seq} counts that
     * process's events, and a relay that forwards it must not pass it off as its own.
     */
    private static void writeIdentity(JsonByteWriter out, DecodedLoggingEvent event) {
        writeIdentity(out, event.getService(), event.getHost(), event.getPid());
    }

    private static void writeIdentity(JsonByteWriter out, String service, String host, long pid) {
        if (service != null) {
            out.name(SERVICE, false).string(service);
        }
        if (host != null) {
            out.name(HOST, false).string(host);
        }
        if (pid != DecodedLoggingEvent.UNKNOWN_PID) {
            out.name(PID, false).number(pid);
        }
    }

    private void writeMdc(JsonByteWriter out, Map<String, String> mdc) {
        if (mdc != null && !mdc.isEmpty()) {
            writeMdcObject(out.name(MDC, false), mdc, settings.maxStringLength());
        }
    }

    /** The {@code mdc} object itself; {@code mdc} must not be empty. */
    static void writeMdcObject(JsonByteWriter out, Map<String, String> mdc, int maxStringLength) {
        out.raw('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : mdc.entrySet()) {
            if (!first) {
                out.raw(',');
            }
            out.recurring(entry.getKey(), AS_FIELD_NAME)
                    .raw(':')
                    .string(Truncation.truncate(entry.getValue(), maxStringLength));
            first = false;
        }
        out.raw('}');
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

    private static void writeMarkers(JsonByteWriter out, List<Marker> markers) {
        if (hasNamedMarker(markers)) {
            writeMarkerArray(out.name(MARKERS, false), markers);
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
    static void writeMarkerArray(JsonByteWriter out, List<Marker> markers) {
        out.raw('[');
        boolean first = true;
        for (Marker marker : markers) {
            String name = marker == null ? null : marker.getName();
            if (name != null) {
                if (!first) {
                    out.raw(',');
                }
                out.string(name);
                first = false;
            }
        }
        out.raw(']');
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
