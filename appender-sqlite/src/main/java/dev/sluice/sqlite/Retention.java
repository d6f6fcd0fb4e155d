package dev.sluice.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Deletes what {@link RetentionPolicy} does not keep, on the writer thread, in chunks: each chunk is its own short
 * transaction, and one call works for at most {@link #SLICE_NANOS} so that log batches keep flowing between slices.
 * When a pass has deleted everything due, the freed pages are returned to the file system with
 * {@code incremental_vacuum} (the file is created with {@code auto_vacuum=INCREMENTAL}) and the WAL is checkpointed
 * and truncated.
 */
final class Retention {

    /** The longest one maintenance call deletes before letting the next batch through. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final List<String> TABLES = List.of(SqliteSchema.LOGS, SqliteSchema.METRICS);

    private final RetentionPolicy policy;
    private final LongSupplier clockMillis;
    private long nextPassNanos = System.nanoTime();
    private boolean passInProgress;
    private long ageCutoffMillis;
    private final Map<String, Long> rowCutoffs = new HashMap<>();
    private long deletedInPass;
    /** Written only by the worker; volatile because the appender's getter reads it from other threads. */
    private volatile long deletedTotal;

    Retention(RetentionPolicy policy, LongSupplier clockMillis) {
        this.policy = policy;
        this.clockMillis = clockMillis;
    }

    /** Runs the next pass at the next maintenance call (a full disk: space may be won back). */
    void runSoon() {
        nextPassNanos = System.nanoTime();
    }

    /** Rows deleted since start. */
    long deletedTotal() {
        return deletedTotal;
    }

    /** Whether any retention is configured. */
    boolean isEnabled() {
        return policy.enabled();
    }

    /** Whether a pass is due or under way. */
    boolean isDue() {
        return policy.enabled() && (passInProgress || System.nanoTime() - nextPassNanos >= 0);
    }

    /**
     * Works on the current pass if one is due, starting one if none is under way. The connection must be in auto-commit
     * mode.
     *
     * @return a summary when a pass finished with rows deleted, else null
     */
    String maintain(Connection connection) throws SQLException {
        if (!isDue()) {
            return null;
        }
        if (!passInProgress) {
            startPass(connection);
        }
        long sliceEnd = System.nanoTime() + SLICE_NANOS;
        for (String table : TABLES) {
            while (true) {
                int deleted = deleteChunk(connection, table);
                deletedInPass += deleted;
                deletedTotal += deleted;
                if (deleted < policy.chunkRows()) {
                    break;
                }
                if (System.nanoTime() - sliceEnd >= 0) {
                    return null; // more to delete: the next call goes on, after the next batch
                }
            }
        }
        passInProgress = false;
        nextPassNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(policy.intervalMillis());
        if (deletedInPass == 0) {
            return null;
        }
        // Counted as reclaimed only once it worked: after a failure, the next pass returns the pages.
        String summary = reclaim(connection, deletedInPass);
        deletedInPass = 0;
        return summary;
    }

    /** Fixes what this pass deletes: rows older than the age cut-off, and ids up to each table's row cut-off. */
    private void startPass(Connection connection) throws SQLException {
        ageCutoffMillis = policy.maxAgeMillis() > 0 ? clockMillis.getAsLong() - policy.maxAgeMillis() : 0;
        for (String table : TABLES) {
            // Found once per pass: the OFFSET walks maxRows index entries, too costly to repeat per chunk.
            rowCutoffs.put(table, policy.maxRows() > 0 ? newestBeyondMaxRows(connection, table) : 0L);
        }
        passInProgress = true;
    }

    private int deleteChunk(Connection connection, String table) throws SQLException {
        int deleted = 0;
        if (policy.maxAgeMillis() > 0) {
            deleted = delete(
                    connection,
                    "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE ts < ? LIMIT ?)",
                    ageCutoffMillis);
        }
        long rowCutoff = rowCutoffs.get(table);
        if (deleted < policy.chunkRows() && rowCutoff > 0) {
            deleted += delete(
                    connection,
                    "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                            + " WHERE id <= ? ORDER BY id LIMIT ?)",
                    rowCutoff);
        }
        return deleted;
    }

    private int delete(Connection connection, String sql, long bound) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, bound);
            delete.setInt(2, policy.chunkRows());
            return delete.executeUpdate();
        }
    }

    /** The id of the newest row beyond the {@code maxRows} newest, or 0 when the table holds no more than that. */
    private long newestBeyondMaxRows(Connection connection, String table) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT id FROM " + table + " ORDER BY id DESC LIMIT 1 OFFSET ?")) {
            select.setLong(1, policy.maxRows());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static String reclaim(Connection connection, long deleted) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            long freePages = SqliteConnections.queryLong(statement, "PRAGMA freelist_count");
            // executeUpdate runs the pragma to the end; execute() would step it once and free a single page.
            statement.executeUpdate("PRAGMA incremental_vacuum");
            long left = SqliteConnections.queryLong(statement, "PRAGMA freelist_count");
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            return "retention deleted " + deleted + " rows and returned " + (freePages - left)
                    + " free pages to the file system";
        }
    }
}
