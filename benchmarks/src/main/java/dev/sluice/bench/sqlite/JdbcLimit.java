package dev.sluice.bench.sqlite;

import dev.sluice.core.json.EventJsonParts;
import dev.sluice.core.json.EventJsonSettings;
import dev.sluice.sqlite.SqliteSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The limit: what SQLite takes through sqlite-jdbc when nothing else runs. One thread inserts rows that are already
 * built (message formatted, MDC JSON encoded) into the appender's own {@code logs} table with its indexes, through one
 * reused {@link PreparedStatement}, {@value #BATCH} rows per {@code executeBatch} and per transaction, on a connection
 * opened as the appender opens its writer: busy timeout first, generated keys off, incremental auto-vacuum, WAL,
 * {@code synchronous=NORMAL}, a 64 MiB page cache.
 */
final class JdbcLimit {

    /** Rows per transaction, the appender's default batch size. */
    static final int BATCH = 1024;

    /** The appender's {@code logs} insert: the same columns in the same order, every one bound. */
    private static final String INSERT = "INSERT INTO logs (ts, level, level_int, logger, thread, message, mdc, kv,"
            + " markers, throwable, caller, service, host, pid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final int CACHE_KIB = 64 * 1024;

    /** One event as the {@code logs} row the appender would write for it. */
    record Row(long ts, String level, int levelInt, String thread, String message, String mdc) {}

    private JdbcLimit() {}

    /** Rows for events {@code 0..n-1}, built before any clock runs. */
    static Row[] prebuild(int events) {
        EventJsonParts parts = new EventJsonParts(EventJsonSettings.defaults());
        long base = System.currentTimeMillis();
        Row[] rows = new Row[events];
        for (int i = 0; i < events; i++) {
            Map<String, String> mdc = new HashMap<>();
            mdc.put(EventShape.MDC_REQUEST, EventShape.requestId(i));
            mdc.put(EventShape.MDC_USER, EventShape.user(i));
            rows[i] = new Row(
                    base + i / 200, // ascending, as real timestamps are
                    EventShape.level(i).toString(),
                    EventShape.level(i).toInt(),
                    Producers.threadName(1),
                    EventShape.message(i),
                    parts.mdc(mdc));
        }
        return rows;
    }

    static Measurement run(Path db, Row[] rows) throws SQLException {
        long pid = ProcessHandle.current().pid();
        long transactions = 0;
        long nanos;
        try (Connection connection = open(db)) {
            try (Statement ddl = connection.createStatement()) {
                for (String sql : SqliteSchema.ddlStatements()) {
                    ddl.execute(sql);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                connection.setAutoCommit(false);
                long start = System.nanoTime();
                int pending = 0;
                for (Row row : rows) {
                    insert.setLong(1, row.ts());
                    insert.setString(2, row.level());
                    insert.setInt(3, row.levelInt());
                    insert.setString(4, EventShape.LOGGER);
                    insert.setString(5, row.thread());
                    insert.setString(6, row.message());
                    insert.setString(7, row.mdc());
                    for (int column = 8; column <= 13; column++) {
                        insert.setNull(column, Types.VARCHAR); // kv, markers, throwable, caller, service, host
                    }
                    insert.setLong(14, pid);
                    insert.setNull(15, Types.INTEGER); // seq: the context has no sequence number generator
                    insert.addBatch();
                    if (++pending == BATCH) {
                        insert.executeBatch();
                        connection.commit();
                        transactions++;
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                    connection.commit();
                    transactions++;
                }
                nanos = System.nanoTime() - start;
            }
        }
        long committed = BenchFiles.count(db, "logs");
        if (committed != rows.length) {
            throw new IllegalStateException(
                    "raw JDBC inserted " + rows.length + " rows but SELECT count(*) is " + committed);
        }
        return new Measurement(committed, nanos, transactions);
    }

    private static Connection open(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection("jdbc:sqlite:" + db);
        try (Statement pragmas = connection.createStatement()) {
            pragmas.execute("PRAGMA auto_vacuum = INCREMENTAL"); // before WAL, as the appender does
            pragmas.execute("PRAGMA journal_mode = WAL");
            pragmas.execute("PRAGMA synchronous = NORMAL");
            pragmas.execute("PRAGMA cache_size = -" + CACHE_KIB);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
