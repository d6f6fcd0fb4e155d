package dev.sluice.sqlite;

import dev.sluice.core.json.UnicodeText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Read-only queries over a database written by {@link SqliteAppender}: log rows by level, time, logger, thread, MDC
 * and message ({@link #logs(LogQuery)}), metric samples and their summaries, and counts of what the file holds.
 *
 * <pre>{@code
 * try (LogStore store = LogStore.open(Path.of("logs/app.db"))) {
 *     List<LogRecord> errors = store.logs(LogQuery.all().minLevel(Level.ERROR).newestFirst().limit(50));
 *     MetricSummary latency = store.metricSummary("http.latency", Instant.now().minus(Duration.ofHours(1)),
 *             Instant.now());
 * }
 * }</pre>
 *
 * <p>The store holds one read-only connection in auto-commit mode. The appender (or another process) can keep writing
 * meanwhile: in WAL mode readers and the writer do not block each other, each query sees the rows committed when it
 * started, and no lock is held between queries. Methods that read more than one statement ({@link #metricSummary},
 * {@link #statistics()}) read them in one transaction, so their numbers agree with each other.
 *
 * <p>Thread-safe: every method is synchronized on the store, so queries from several threads run one at a time.
 * Failures are reported as {@link LogStoreException}s naming the file; invalid arguments as
 * {@link IllegalArgumentException} or, when null, {@link NullPointerException}.
 */
public final class LogStore implements AutoCloseable {

    /** How long a query waits for a lock held by another connection, in milliseconds, by default: {@value}. */
    public static final int DEFAULT_BUSY_TIMEOUT_MILLIS = 5_000;

    /** How many loggers and threads {@link #statistics()} ranks: {@value}. */
    public static final int DEFAULT_STATISTICS_TOP = 50;

    /** The largest accepted {@code top} of {@link #statistics(int)}: {@value}. */
    public static final int MAX_STATISTICS_TOP = 10_000;

    private static final String[] LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};

    private static final String METRIC_RANGE = " FROM metrics WHERE name = ? AND ts >= ? AND ts < ?";

    private final Path path;
    private final Connection connection;
    private final StoredRows rows;
    private boolean closed;

    private LogStore(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
        this.rows = new StoredRows(path.toString());
    }

    /**
     * Opens an existing database for reading, with a busy timeout of {@value #DEFAULT_BUSY_TIMEOUT_MILLIS} ms.
     *
     * @throws LogStoreException if the file does not exist, is not a SQLite database, was not written by Sluice, or
     *     has a newer schema than {@link SqliteSchema#VERSION}
     */
    public static LogStore open(Path db) {
        return open(db, DEFAULT_BUSY_TIMEOUT_MILLIS);
    }

    /**
     * Opens an existing database for reading. The file is never created or changed.
     *
     * @param busyTimeoutMillis how long a query waits for a lock held by another connection (rare in WAL mode)
     * @throws LogStoreException if the file does not exist, is not a SQLite database, was not written by Sluice, or
     *     has a newer schema than {@link SqliteSchema#VERSION}
     */
    public static LogStore open(Path db, int busyTimeoutMillis) {
        Objects.requireNonNull(db, "db must not be null");
        if (busyTimeoutMillis < 0) {
            throw new IllegalArgumentException("busyTimeoutMillis must not be negative, was " + busyTimeoutMillis);
        }
        Path file = db.toAbsolutePath().normalize();
        if (file.toString().contains("?")) {
            // The driver would read what follows '?' as connection options and open another file.
            throw new LogStoreException("Cannot open " + file + ": a log database path must not contain '?'.");
        }
        if (!Files.exists(file)) {
            throw new LogStoreException("No log database at " + file + ": the file does not exist.");
        }
        if (!Files.isRegularFile(file)) {
            throw new LogStoreException("No log database at " + file + ": it is not a regular file.");
        }
        Connection connection;
        try {
            connection = SqliteConnections.openReader(file, busyTimeoutMillis);
        } catch (SQLException e) {
            throw new LogStoreException("Cannot open " + file + " for reading: " + e.getMessage(), e);
        }
        try {
            checkSchema(connection, file);
        } catch (SQLException | RuntimeException e) {
            SqliteConnections.closeQuietly(connection, e);
            if (e instanceof LogStoreException refused) {
                throw refused;
            }
            throw new LogStoreException(file + " is not a readable log database: " + e.getMessage(), e);
        }
        return new LogStore(file, connection);
    }

    private static void checkSchema(Connection connection, Path file) throws SQLException {
        try (PreparedStatement table =
                connection.prepareStatement("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            table.setString(1, SqliteSchema.VERSION_TABLE);
            try (ResultSet rs = table.executeQuery()) {
                if (!rs.next() || rs.getLong(1) == 0) {
                    throw new LogStoreException(file + " is not a Sluice log database: it has no "
                            + SqliteSchema.VERSION_TABLE + " table (an empty file, or one another program wrote).");
                }
            }
        }
        Integer version = null;
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT version FROM " + SqliteSchema.VERSION_TABLE);
                ResultSet rs = select.executeQuery()) {
            if (rs.next()) {
                version = rs.getInt(1);
            }
        }
        if (version == null || version < 1) {
            throw new LogStoreException(file + " is not a usable Sluice log database: " + SqliteSchema.VERSION_TABLE
                    + " records no schema version.");
        }
        if (version > SqliteSchema.VERSION) {
            throw new LogStoreException(file + " has Sluice schema version " + version + ", written by a newer Sluice;"
                    + " this one reads up to version " + SqliteSchema.VERSION + ". Upgrade Sluice to read it.");
        }
    }

    /** The database file, absolute. */
    public Path path() {
        return path;
    }

    /** The log rows the query selects, in its order, at most its limit. */
    public synchronized List<LogRecord> logs(LogQuery query) {
        Objects.requireNonNull(query, "query must not be null");
        LogQuery.Sql sql = query.toSql();
        return read("query " + query, () -> list(sql.text(), sql.params(), rows::logRecord));
    }

    /**
     * The samples of one metric recorded in {@code [from, to)}, oldest first, at most {@code limit}.
     *
     * @throws IllegalArgumentException if the name is blank, {@code from} is after {@code to}, or the limit is not
     *     between 1 and {@value LogQuery#MAX_LIMIT}
     */
    public synchronized List<MetricPoint> metrics(String name, Instant from, Instant to, int limit) {
        List<Object> params = metricRange(name, from, to);
        LogQuery.requireLimit(limit);
        params.add(limit);
        return read(
                "reading metric '" + name + "'",
                () -> list(
                        "SELECT ts, name, value, unit, tags" + METRIC_RANGE + " ORDER BY ts, id LIMIT ?",
                        params,
                        StoredRows::metricPoint));
    }

    /**
     * Count, minimum, maximum, mean and nearest-rank percentiles of one metric's samples in {@code [from, to)}. An
     * empty range gives count 0 and NaN for every value (see {@link MetricSummary}).
     *
     * @throws IllegalArgumentException if the name is blank or {@code from} is after {@code to}
     */
    public synchronized MetricSummary metricSummary(String name, Instant from, Instant to) {
        List<Object> params = metricRange(name, from, to);
        return readConsistently("summarising metric '" + name + "'", () -> summarize(name, params));
    }

    private MetricSummary summarize(String name, List<Object> params) throws SQLException {
        long count;
        double min;
        double max;
        double avg;
        try (PreparedStatement select =
                        prepare("SELECT count(*), min(value), max(value), avg(value)" + METRIC_RANGE, params);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            count = rs.getLong(1);
            min = rs.getDouble(2);
            max = rs.getDouble(3);
            avg = rs.getDouble(4);
        }
        if (count == 0) {
            return MetricSummary.empty(name);
        }
        long[] ranks = {nearestRank(50, count), nearestRank(90, count), nearestRank(95, count), nearestRank(99, count)};
        double[] percentiles = new double[ranks.length];
        List<Object> sorted = new ArrayList<>(params);
        sorted.add(ranks[ranks.length - 1]);
        int next = 0;
        try (PreparedStatement select = prepare("SELECT value" + METRIC_RANGE + " ORDER BY value LIMIT ?", sorted);
                ResultSet rs = select.executeQuery()) {
            for (long row = 1; next < ranks.length && rs.next(); row++) {
                double value = rs.getDouble(1);
                while (next < ranks.length && ranks[next] == row) {
                    percentiles[next++] = value;
                }
            }
        }
        if (next < ranks.length) {
            throw new SQLException("the samples changed between two reads of one transaction");
        }
        return new MetricSummary(
                name, count, min, max, avg, percentiles[0], percentiles[1], percentiles[2], percentiles[3]);
    }

    /** The 1-based rank of the {@code percent}-th percentile of {@code count} sorted samples: ceil(p/100 * n). */
    private static long nearestRank(int percent, long count) {
        return Math.max(1, (percent * count + 99) / 100);
    }

    /** The names of every metric the file holds, sorted (in code point order). */
    public synchronized List<String> metricNames() {
        return read(
                "listing metric names",
                () -> list("SELECT DISTINCT name FROM metrics ORDER BY name", List.of(), rs -> rs.getString(1)));
    }

    /** What the file holds, with the {@value #DEFAULT_STATISTICS_TOP} most frequent loggers and threads. */
    public LogStatistics statistics() {
        return statistics(DEFAULT_STATISTICS_TOP);
    }

    /**
     * What the file holds: row counts, log rows per level, the {@code top} most frequent loggers and threads, and the
     * first and last log timestamps. Counting reads every row, so it takes time on a large file.
     *
     * @throws IllegalArgumentException unless {@code top} is between 1 and {@value #MAX_STATISTICS_TOP}
     */
    public synchronized LogStatistics statistics(int top) {
        if (top < 1 || top > MAX_STATISTICS_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_STATISTICS_TOP + ", was " + top);
        }
        return readConsistently("counting", () -> {
            long totalLogs = count("SELECT count(*) FROM logs");
            long totalMetrics = count("SELECT count(*) FROM metrics");
            Map<String, Long> byLevel = new LinkedHashMap<>();
            for (String level : LEVELS) {
                byLevel.put(level, 0L);
            }
            // Logback events have one of the five levels; anything else a file holds is counted after them.
            byLevel.putAll(counts("SELECT level, count(*) FROM logs GROUP BY level_int ORDER BY level_int", List.of()));
            Map<String, Long> loggers = counts(
                    "SELECT logger, count(*) AS n FROM logs GROUP BY logger ORDER BY n DESC, logger LIMIT ?",
                    List.of(top));
            Map<String, Long> threads = counts(
                    "SELECT thread, count(*) AS n FROM logs WHERE thread IS NOT NULL GROUP BY thread"
                            + " ORDER BY n DESC, thread LIMIT ?",
                    List.of(top));
            Instant first = null;
            Instant last = null;
            try (PreparedStatement select =
                            prepare("SELECT (SELECT min(ts) FROM logs), (SELECT max(ts) FROM logs)", List.of());
                    ResultSet rs = select.executeQuery()) {
                if (rs.next() && rs.getObject(1) != null) {
                    first = Instant.ofEpochMilli(rs.getLong(1));
                    last = Instant.ofEpochMilli(rs.getLong(2));
                }
            }
            return new LogStatistics(totalLogs, totalMetrics, byLevel, loggers, threads, first, last);
        });
    }

    /** SQLite's plan for the query, one line per step: how tests check that it uses the intended index. */
    synchronized List<String> queryPlan(LogQuery query) {
        LogQuery.Sql sql = query.toSql();
        return read(
                "explaining " + query,
                () -> list("EXPLAIN QUERY PLAN " + sql.text(), sql.params(), rs -> rs.getString("detail")));
    }

    /** Closes the connection. Idempotent; any later query fails with an {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw new LogStoreException("Failed to close " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LogStore[" + path + "]";
    }

    private List<Object> metricRange(String name, Instant from, Instant to) {
        Objects.requireNonNull(name, "metric name must not be null");
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") must not be after to (" + to + ")");
        }
        List<Object> params = new ArrayList<>();
        params.add(UnicodeText.valid(name));
        params.add(StoreTime.ceilMillis(from));
        params.add(StoreTime.ceilMillis(to));
        return params;
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row of a query, each read by {@code row}. */
    private <T> List<T> list(String sql, List<Object> params, Row<T> row) throws SQLException {
        List<T> result = new ArrayList<>();
        try (PreparedStatement select = prepare(sql, params);
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                result.add(row.read(rs));
            }
        }
        return result;
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement select = prepare(sql, List.of());
                ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private Map<String, Long> counts(String sql, List<Object> params) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement select = prepare(sql, params);
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private PreparedStatement prepare(String sql, List<Object> params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
        return statement;
    }

    private interface Read<T> {
        T run() throws SQLException;
    }

    private <T> T read(String what, Read<T> work) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        try {
            return work.run();
        } catch (SQLException e) {
            throw new LogStoreException(what + " on " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs several statements in one read transaction: they all see the same snapshot of the file. */
    private <T> T readConsistently(String what, Read<T> work) {
        return read(what, () -> {
            connection.setAutoCommit(false);
            T result;
            try {
                result = work.run();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            connection.setAutoCommit(true); // ends the read transaction
            return result;
        });
    }
}
