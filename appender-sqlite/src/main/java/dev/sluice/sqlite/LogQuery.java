package dev.sluice.sqlite;

import ch.qos.logback.classic.Level;
import dev.sluice.core.json.UnicodeText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable query over the {@code logs} table of a {@link LogStore}. Start from {@link #all()} and narrow it; each
 * method returns a new query and leaves this one as it was, so a query can be shared between threads and reused.
 *
 * <pre>{@code
 * LogQuery query = LogQuery.all()
 *         .minLevel(Level.WARN)
 *         .from(Instant.parse("2026-11-21T00:00:00Z"))
 *         .loggerPrefix("com.acme.")
 *         .mdc("job", "42")
 *         .messageContains("timeout")
 *         .newestFirst()
 *         .limit(100);
 * List<LogRecord> records = store.logs(query);
 * }</pre>
 *
 * <p>Every filter set must match (they are combined with AND). Text filters are exact and case-sensitive, and no
 * character in them is special: {@code %}, {@code _}, quotes and backslashes are plain data (half a surrogate pair
 * stands for U+FFFD, as it does in the stored text). Rows come ordered by
 * timestamp, then by row id (the order they were written), oldest first unless {@link #newestFirst()} is called, at
 * most {@link #DEFAULT_LIMIT} of them unless {@link #limit(int)} says otherwise.
 */
public final class LogQuery {

    /** The most rows a query returns unless {@link #limit(int)} is called: {@value}. */
    public static final int DEFAULT_LIMIT = 1000;

    /** The largest accepted {@link #limit(int)}: {@value}. */
    public static final int MAX_LIMIT = 100_000;

    /** The columns of {@code logs} in the order {@link LogStore} reads them. */
    static final String COLUMNS = "id, ts, level, level_int, logger, thread, message, mdc, kv, markers, throwable,"
            + " caller, service, host, pid, seq";

    /** The levels an event can have, lowest first; a minimum level is expanded to those at or above it. */
    private static final List<Level> EVENT_LEVELS =
            List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);

    private static final LogQuery ALL =
            new LogQuery(null, false, null, null, null, null, Map.of(), null, DEFAULT_LIMIT, false);

    private final Level level;
    private final boolean exactLevel;
    private final Instant from;
    private final Instant to;
    private final String loggerPrefix;
    private final String thread;
    private final Map<String, String> mdc;
    private final String messageContains;
    private final int limit;
    private final boolean newestFirst;

    private LogQuery(
            Level level,
            boolean exactLevel,
            Instant from,
            Instant to,
            String loggerPrefix,
            String thread,
            Map<String, String> mdc,
            String messageContains,
            int limit,
            boolean newestFirst) {
        this.level = level;
        this.exactLevel = exactLevel;
        this.from = from;
        this.to = to;
        this.loggerPrefix = loggerPrefix;
        this.thread = thread;
        this.mdc = mdc;
        this.messageContains = messageContains;
        this.limit = limit;
        this.newestFirst = newestFirst;
    }

    /** Every row, oldest first, at most {@value #DEFAULT_LIMIT}. */
    public static LogQuery all() {
        return ALL;
    }

    /**
     * Only events at exactly this level. Replaces any level filter set before.
     *
     * @throws IllegalArgumentException for {@code OFF} and {@code ALL}, which are thresholds, not event levels
     */
    public LogQuery level(Level level) {
        return withLevel(eventLevel(level, "level"), true);
    }

    /** {@link #level(Level)} by name, case-insensitive: {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}. */
    public LogQuery level(String name) {
        return withLevel(eventLevel(name, "level"), true);
    }

    /**
     * Only events at this level or a more severe one. Replaces any level filter set before.
     *
     * @throws IllegalArgumentException for {@code OFF} and {@code ALL}, which are thresholds, not event levels
     */
    public LogQuery minLevel(Level level) {
        return withLevel(eventLevel(level, "minLevel"), false);
    }

    /** {@link #minLevel(Level)} by name, case-insensitive: {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}. */
    public LogQuery minLevel(String name) {
        return withLevel(eventLevel(name, "minLevel"), false);
    }

    /**
     * Only events at or after this instant (inclusive). Timestamps are stored in milliseconds, so an instant between
     * two milliseconds starts at the next one.
     *
     * @throws IllegalArgumentException if it is after {@link #to(Instant)}
     */
    public LogQuery from(Instant from) {
        Objects.requireNonNull(from, "from must not be null");
        requireOrdered(from, to);
        return new LogQuery(
                level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, newestFirst);
    }

    /**
     * Only events before this instant (exclusive).
     *
     * @throws IllegalArgumentException if it is before {@link #from(Instant)}
     */
    public LogQuery to(Instant to) {
        Objects.requireNonNull(to, "to must not be null");
        requireOrdered(from, to);
        return new LogQuery(
                level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, newestFirst);
    }

    /**
     * Only events whose logger name starts with this text, case-sensitive. It is a plain text prefix:
     * {@code "com.acme"} also matches {@code "com.acmeX"}; end it with a dot ({@code "com.acme."}) for the loggers
     * below {@code com.acme} only. Served by the {@code (logger, ts)} index.
     *
     * @throws IllegalArgumentException if it is empty (use {@link #all()} for every logger)
     */
    public LogQuery loggerPrefix(String prefix) {
        Objects.requireNonNull(prefix, "loggerPrefix must not be null");
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("loggerPrefix must not be empty; leave it unset to match every logger");
        }
        return new LogQuery(level, exactLevel, from, to, prefix, thread, mdc, messageContains, limit, newestFirst);
    }

    /** Only events logged by the thread of exactly this name. */
    public LogQuery thread(String thread) {
        Objects.requireNonNull(thread, "thread must not be null");
        return new LogQuery(
                level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, newestFirst);
    }

    /**
     * Only events whose MDC maps {@code key} to exactly {@code value}. Can be called for several keys, all of which
     * must match; a second call with the same key replaces its value. Any characters are allowed in both: they are
     * compared as data, never read as a JSON path.
     */
    public LogQuery mdc(String key, String value) {
        Objects.requireNonNull(key, "mdc key must not be null");
        Objects.requireNonNull(value, "mdc value must not be null (for key '" + key + "')");
        Map<String, String> entries = new LinkedHashMap<>(mdc);
        entries.put(key, value);
        return new LogQuery(
                level,
                exactLevel,
                from,
                to,
                loggerPrefix,
                thread,
                Collections.unmodifiableMap(entries),
                messageContains,
                limit,
                newestFirst);
    }

    /**
     * Only events whose formatted message contains this text, case-sensitive, with no wildcards.
     *
     * @throws IllegalArgumentException if it is empty
     */
    public LogQuery messageContains(String text) {
        Objects.requireNonNull(text, "messageContains must not be null");
        if (text.isEmpty()) {
            throw new IllegalArgumentException(
                    "messageContains must not be empty; leave it unset to match every" + " message");
        }
        return new LogQuery(level, exactLevel, from, to, loggerPrefix, thread, mdc, text, limit, newestFirst);
    }

    /**
     * At most this many rows, the first ones in the query's order.
     *
     * @throws IllegalArgumentException unless it is between 1 and {@value #MAX_LIMIT}
     */
    public LogQuery limit(int limit) {
        requireLimit(limit);
        return new LogQuery(
                level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, newestFirst);
    }

    /** Newest rows first: by timestamp, then row id, descending. With a limit, the latest rows. */
    public LogQuery newestFirst() {
        return new LogQuery(level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, true);
    }

    /** Oldest rows first (the default): by timestamp, then row id, ascending. */
    public LogQuery oldestFirst() {
        return new LogQuery(level, exactLevel, from, to, loggerPrefix, thread, mdc, messageContains, limit, false);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (level != null) {
            parts.add((exactLevel ? "level=" : "minLevel=") + level);
        }
        if (from != null) {
            parts.add("from=" + from);
        }
        if (to != null) {
            parts.add("to=" + to);
        }
        if (loggerPrefix != null) {
            parts.add("loggerPrefix='" + loggerPrefix + "'");
        }
        if (thread != null) {
            parts.add("thread='" + thread + "'");
        }
        mdc.forEach((key, value) -> parts.add("mdc['" + key + "']='" + value + "'"));
        if (messageContains != null) {
            parts.add("messageContains='" + messageContains + "'");
        }
        parts.add("limit=" + limit);
        parts.add(newestFirst ? "newestFirst" : "oldestFirst");
        return "LogQuery" + parts;
    }

    /** This query as one parameterised SELECT over {@code logs}. */
    Sql toSql() {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (level != null && exactLevel) {
            where.add("level_int = ?");
            params.add(level.toInt());
        } else if (level != null && level != Level.TRACE) {
            // A list of levels rather than level_int >= ?: an open range looks unselective to the planner, which
            // would then scan logs_ts in order instead of using logs_level_ts (and with a time range, the list lets
            // the index serve both columns).
            List<Level> atLeast = EVENT_LEVELS.subList(EVENT_LEVELS.indexOf(level), EVENT_LEVELS.size());
            where.add("level_int IN (" + String.join(", ", Collections.nCopies(atLeast.size(), "?")) + ")");
            atLeast.forEach(l -> params.add(l.toInt()));
        }
        if (from != null) {
            where.add("ts >= ?");
            params.add(StoreTime.ceilMillis(from));
        }
        if (to != null) {
            where.add("ts < ?");
            params.add(StoreTime.ceilMillis(to));
        }
        if (loggerPrefix != null) {
            // A range over the (logger, ts) index. SQLite compares text as UTF-8 bytes, which is code point order.
            String prefix = UnicodeText.valid(loggerPrefix);
            where.add("logger >= ?");
            params.add(prefix);
            String bound = prefixUpperBound(prefix);
            if (bound != null) { // null only for a prefix of U+10FFFF alone: an open range, planned as a scan
                where.add("logger < ?");
                params.add(bound);
            }
        }
        if (thread != null) {
            where.add("thread = ?");
            params.add(UnicodeText.valid(thread));
        }
        mdc.forEach((key, value) -> {
            where.add("EXISTS (SELECT 1 FROM json_each(logs.mdc) WHERE key = ? AND value = ?)");
            params.add(UnicodeText.valid(key));
            params.add(UnicodeText.valid(value));
        });
        if (messageContains != null) {
            where.add("instr(message, ?) > 0");
            params.add(UnicodeText.valid(messageContains));
        }
        String direction = newestFirst ? " DESC" : "";
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM logs");
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(" ORDER BY ts")
                .append(direction)
                .append(", id")
                .append(direction)
                .append(" LIMIT ?");
        params.add(limit);
        return new Sql(sql.toString(), List.copyOf(params));
    }

    /**
     * The smallest text above every text that starts with {@code prefix}, in code point order (SQLite's, since it
     * compares UTF-8 bytes): the prefix with its last code point incremented, skipping the surrogate range, after
     * dropping trailing U+10FFFF. Null when the prefix is all U+10FFFF and nothing is above it.
     */
    static String prefixUpperBound(String prefix) {
        int[] codePoints = prefix.codePoints().toArray();
        for (int i = codePoints.length - 1; i >= 0; i--) {
            int next = codePoints[i] + 1;
            if (next == Character.MIN_SURROGATE) {
                next = Character.MAX_SURROGATE + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                codePoints[i] = next;
                return new String(codePoints, 0, i + 1);
            }
        }
        return null;
    }

    /** Parameterised SQL: the text and its parameters in order. */
    record Sql(String text, List<Object> params) {}

    static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    private LogQuery withLevel(Level level, boolean exact) {
        return new LogQuery(level, exact, from, to, loggerPrefix, thread, mdc, messageContains, limit, newestFirst);
    }

    private static Level eventLevel(Level level, String filter) {
        Objects.requireNonNull(level, filter + " must not be null");
        if (!EVENT_LEVELS.contains(level)) {
            throw new IllegalArgumentException(filter + " must be TRACE, DEBUG, INFO, WARN or ERROR, was " + level
                    + " (a threshold, not an event" + " level)");
        }
        return level;
    }

    private static Level eventLevel(String name, String filter) {
        Objects.requireNonNull(name, filter + " must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException(
                    filter + " must name a level (TRACE, DEBUG, INFO, WARN or ERROR), was" + " blank");
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (Level candidate : EVENT_LEVELS) {
            if (candidate.levelStr.equals(upper)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(filter + " must be TRACE, DEBUG, INFO, WARN or ERROR, was '" + name + "'");
    }

    private static void requireOrdered(Instant from, Instant to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") must not be after to (" + to + ")");
        }
    }
}
