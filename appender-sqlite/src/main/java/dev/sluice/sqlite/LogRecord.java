package dev.sluice.sqlite;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the {@code logs} table, as {@link LogStore#logs(LogQuery)} returns it. Structured fields that are JSON in
 * the canonical event format ({@code kv}, {@code throwable}, {@code caller}) are kept as that JSON text; the MDC and
 * the markers are parsed.
 *
 * @param id the row id; ids grow in the order rows were written
 * @param timestamp when the event happened, to the millisecond
 * @param level the level name: {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
 * @param levelInt Logback's number for the level, from 5000 (TRACE) to 40000 (ERROR)
 * @param logger the logger name
 * @param thread the thread name, or null if the producer did not send one
 * @param message the formatted message, or null
 * @param mdc the MDC in the order it was stored; empty when there was none. Unmodifiable.
 * @param kv the SLF4J key-values as a JSON object, or null when there were none
 * @param markers the names of the event's markers; empty when there were none. Unmodifiable.
 * @param throwable the throwable as a JSON object (class, message, frames, cause, suppressed), or null
 * @param caller the caller frame as a JSON object, or null when caller data was not captured
 * @param service the producer's service name, or null
 * @param host the producer's host name, or null
 * @param pid the producer's process id, or null when unknown
 * @param seq Logback's sequence number, or null when the producer's context had no sequence number generator
 */
public record LogRecord(
        long id,
        Instant timestamp,
        String level,
        int levelInt,
        String logger,
        String thread,
        String message,
        Map<String, String> mdc,
        String kv,
        List<String> markers,
        String throwable,
        String caller,
        String service,
        String host,
        Long pid,
        Long seq) {

    /** Checks the required fields and makes unmodifiable copies of the MDC (keeping its order) and the markers. */
    public LogRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(logger, "logger");
        mdc = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(mdc, "mdc")));
        markers = List.copyOf(Objects.requireNonNull(markers, "markers"));
    }
}
