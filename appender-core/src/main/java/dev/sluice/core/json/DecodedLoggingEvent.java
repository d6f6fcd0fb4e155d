package dev.sluice.core.json;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * An immutable {@link ILoggingEvent} decoded from canonical event JSON by {@link EventJsonDecoder}. It can be handed to
 * any Logback appender or layout, or dispatched into a local {@code LoggerContext}.
 *
 * <p>What differs from a live Logback event:
 *
 * <ul>
 *   <li>{@link #getMessage()} and {@link #getFormattedMessage()} both return the formatted message that was sent, and
 *       {@link #getArgumentArray()} returns {@code null}.
 *   <li>Absent collections are empty, never {@code null}: {@link #getMDCPropertyMap()}, {@link #getKeyValuePairs()},
 *       {@link #getMarkerList()}. Markers are detached (not registered in any factory) and carry no references.
 *   <li>{@link #getCallerData()} is empty unless caller data was sent, and then holds the one frame that was sent.
 *   <li>{@link #getLoggerContextVO()} is named after {@link #getService()} (or {@value #UNKNOWN_CONTEXT_NAME}), has no
 *       properties and a birth time of 0, so {@code %relative} prints milliseconds since the epoch.
 *   <li>{@link #prepareForDeferredProcessing()} does nothing: everything is already captured.
 *   <li>{@link EventJsonEncoder} re-encodes it with its own {@link #getService()}, {@link #getHost()} and
 *       {@link #getPid()} (the producer's), not the encoder's settings, so that they stay with its sequence number.
 * </ul>
 */
public final class DecodedLoggingEvent implements ILoggingEvent {

    /** Name of {@link #getLoggerContextVO()} when the event names no service: {@value}. */
    public static final String UNKNOWN_CONTEXT_NAME = "decoded";

    /** {@link #getPid()} of an event that carried no {@code pid}: {@value}. */
    public static final long UNKNOWN_PID = -1;

    private static final StackTraceElement[] NO_CALLER_DATA = {};

    private final int schemaVersion;
    private final Instant instant;
    private final Level level;
    private final String loggerName;
    private final String threadName;
    private final String message;
    private final Map<String, String> mdc;
    private final List<KeyValuePair> keyValuePairs;
    private final List<Marker> markers;
    private final IThrowableProxy throwableProxy;
    private final StackTraceElement caller;
    private final String service;
    private final String host;
    private final long pid;
    private final long sequenceNumber;
    private final LoggerContextVO loggerContextVO;

    private DecodedLoggingEvent(Builder b) {
        this.schemaVersion = b.schemaVersion;
        this.instant = Objects.requireNonNull(b.instant, "instant");
        this.level = Objects.requireNonNull(b.level, "level");
        this.loggerName = Objects.requireNonNull(b.loggerName, "loggerName");
        this.threadName = b.threadName;
        this.message = b.message;
        this.mdc = Collections.unmodifiableMap(b.mdc);
        this.keyValuePairs = unmodifiable(b.keyValuePairs);
        this.markers = unmodifiable(b.markers);
        this.throwableProxy = b.throwableProxy;
        this.caller = b.caller;
        this.service = b.service;
        this.host = b.host;
        this.pid = b.pid;
        this.sequenceNumber = b.sequenceNumber;
        this.loggerContextVO =
                new LoggerContextVO(service == null ? UNKNOWN_CONTEXT_NAME : service, Collections.emptyMap(), 0L);
    }

    @Override
    public String getThreadName() {
        return threadName;
    }

    @Override
    public Level getLevel() {
        return level;
    }

    /** The formatted message that was sent (there are no arguments left to format), or {@code null}. */
    @Override
    public String getMessage() {
        return message;
    }

    /** Always {@code null}: the message arrives already formatted. */
    @Override
    public Object[] getArgumentArray() {
        return null;
    }

    @Override
    public String getFormattedMessage() {
        return message;
    }

    @Override
    public String getLoggerName() {
        return loggerName;
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
        return loggerContextVO;
    }

    @Override
    public IThrowableProxy getThrowableProxy() {
        return throwableProxy;
    }

    /** The caller frame that was sent, as a one-element array, or an empty array. */
    @Override
    public StackTraceElement[] getCallerData() {
        return caller == null ? NO_CALLER_DATA : new StackTraceElement[] {caller};
    }

    @Override
    public boolean hasCallerData() {
        return caller != null;
    }

    /** The top-level markers that were sent, as detached markers; empty when none. */
    @Override
    public List<Marker> getMarkerList() {
        return markers;
    }

    /** The MDC that was sent, unmodifiable; empty when none. */
    @Override
    public Map<String, String> getMDCPropertyMap() {
        return mdc;
    }

    /**
     * Same as {@link #getMDCPropertyMap()}.
     *
     * @deprecated as in {@link ILoggingEvent#getMdc()}: use {@link #getMDCPropertyMap()}
     */
    @Deprecated
    @Override
    public Map<String, String> getMdc() {
        return mdc;
    }

    @Override
    public long getTimeStamp() {
        return instant.toEpochMilli();
    }

    @Override
    public int getNanoseconds() {
        return instant.getNano();
    }

    @Override
    public Instant getInstant() {
        return instant;
    }

    /** The sender's sequence number ({@code seq}), or 0 when none was sent. */
    @Override
    public long getSequenceNumber() {
        return sequenceNumber;
    }

    /** The key-value pairs that were sent, in order, duplicates kept; unmodifiable, empty when none. */
    @Override
    public List<KeyValuePair> getKeyValuePairs() {
        return keyValuePairs;
    }

    /** Does nothing: a decoded event holds no lazily computed state. */
    @Override
    public void prepareForDeferredProcessing() {}

    /** The {@code service} field, or {@code null}. */
    public String getService() {
        return service;
    }

    /** The {@code host} field, or {@code null}. */
    public String getHost() {
        return host;
    }

    /** The {@code pid} field, or {@value #UNKNOWN_PID} when none was sent. */
    public long getPid() {
        return pid;
    }

    /** The {@code v} field of the decoded document. */
    public int getSchemaVersion() {
        return schemaVersion;
    }

    @Override
    public String toString() {
        return "[" + level + "] " + message;
    }

    /** Most events carry no kv and no markers: those share one empty list rather than a wrapper each. */
    private static <T> List<T> unmodifiable(List<T> list) {
        return list.isEmpty() ? Collections.emptyList() : Collections.unmodifiableList(list);
    }

    /** Collects decoded fields; the decoder fills it and builds the event once. Not thread-safe. */
    static final class Builder {
        int schemaVersion;
        Instant instant;
        Level level;
        String loggerName;
        String threadName;
        String message;
        Map<String, String> mdc = Collections.emptyMap();
        List<KeyValuePair> keyValuePairs = Collections.emptyList();
        List<Marker> markers = Collections.emptyList();
        IThrowableProxy throwableProxy;
        StackTraceElement caller;
        String service;
        String host;
        long pid = UNKNOWN_PID;
        long sequenceNumber;

        DecodedLoggingEvent build() {
            return new DecodedLoggingEvent(this);
        }
    }
}
