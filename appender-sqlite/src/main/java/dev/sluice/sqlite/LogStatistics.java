package dev.sluice.sqlite;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a log database holds, as {@link LogStore#statistics()} counts it. The maps are unmodifiable and keep their
 * order.
 *
 * @param totalLogs rows in {@code logs}
 * @param totalMetrics rows in {@code metrics}
 * @param logsByLevel log rows per level name, always the five levels from {@code TRACE} to {@code ERROR} in that
 *     order, zero included
 * @param topLoggers log rows per logger, the most frequent loggers first (ties by name), at most the requested number
 * @param topThreads log rows per thread, the most frequent threads first (ties by name), at most the requested
 *     number; rows without a thread name are not counted here
 * @param firstTimestamp the earliest log timestamp, or null when there are no log rows
 * @param lastTimestamp the latest log timestamp, or null when there are no log rows
 */
public record LogStatistics(
        long totalLogs,
        long totalMetrics,
        Map<String, Long> logsByLevel,
        Map<String, Long> topLoggers,
        Map<String, Long> topThreads,
        Instant firstTimestamp,
        Instant lastTimestamp) {

    /** Makes unmodifiable copies of the maps, keeping their order. */
    public LogStatistics {
        logsByLevel =
                Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(logsByLevel, "logsByLevel")));
        topLoggers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(topLoggers, "topLoggers")));
        topThreads = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(topThreads, "topThreads")));
    }
}
