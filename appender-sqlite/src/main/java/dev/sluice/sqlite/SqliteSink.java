package dev.sluice.sqlite;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import dev.sluice.core.BatchSink;
import dev.sluice.core.SinkException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes batches into one SQLite file: one transaction per batch, log events and metric samples each through one
 * reused prepared statement. Owned by the pipeline's worker thread, which is the only thread that touches the
 * connection.
 */
final class SqliteSink implements BatchSink<ILoggingEvent> {

    private final SqliteFileSettings file;
    private final EventRows rows;
    private final Retention retention;
    private final ContextAware status;
    private final String appenderName;

    private Connection connection;
    private PreparedStatement insertLog;
    private PreparedStatement insertMetric;
    private long invalidMetrics;

    SqliteSink(SqliteFileSettings file, EventRows rows, Retention retention, ContextAware status, String appenderName) {
        this.file = file;
        this.rows = rows;
        this.retention = retention;
        this.status = status;
        this.appenderName = appenderName;
    }

    @Override
    public void open() throws SQLException {
        connect();
    }

    private void connect() throws SQLException {
        Connection opened = SqliteConnections.openWriter(file);
        try {
            int before = new SchemaMigrator(SqliteSchema.MIGRATIONS)
                    .migrate(opened, file.path().toString());
            if (before != 0 && before < SqliteSchema.VERSION) {
                status.addInfo("Appender [" + appenderName + "] upgraded " + file.path() + " from schema version "
                        + before + " to " + SqliteSchema.VERSION + ".");
            }
            warnIfSpaceCannotBeReclaimed(opened);
            insertLog = opened.prepareStatement(SqliteSchema.INSERT_LOG);
            insertMetric = opened.prepareStatement(SqliteSchema.INSERT_METRIC);
            opened.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            SqliteConnections.closeQuietly(opened, e);
            throw e;
        }
        connection = opened;
    }

    private void warnIfSpaceCannotBeReclaimed(Connection opened) throws SQLException {
        try (Statement statement = opened.createStatement()) {
            if (SqliteConnections.queryLong(statement, "PRAGMA auto_vacuum") != 2) {
                status.addWarn("Appender [" + appenderName + "] " + file.path() + " was not created with"
                        + " auto_vacuum=INCREMENTAL, so retention frees pages for reuse but the file does not"
                        + " shrink. Run 'PRAGMA auto_vacuum=INCREMENTAL; VACUUM;' on it once to change that.");
            }
        }
    }

    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        if (connection == null) {
            reconnect();
        }
        long invalid = 0;
        try {
            int logs = 0;
            int metrics = 0;
            for (ILoggingEvent event : batch) {
                if (EventRows.isMetric(event)) {
                    if (rows.bindMetric(insertMetric, event)) {
                        insertMetric.addBatch();
                        metrics++;
                        continue;
                    }
                    invalid++;
                }
                rows.bindLog(insertLog, event);
                insertLog.addBatch();
                logs++;
            }
            if (logs > 0) {
                insertLog.executeBatch();
            }
            if (metrics > 0) {
                insertMetric.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            abandon(e);
            int code = SqliteFailures.primaryCode(e);
            if (code == SqliteFailures.SQLITE_FULL) {
                retention.runSoon();
            }
            if (SqliteFailures.needsReopen(code)) {
                closeConnection();
            }
            throw SqliteFailures.forPipeline(e, file.path().toString());
        } catch (RuntimeException e) {
            abandon(e);
            throw e;
        }
        if (invalid > 0) {
            reportInvalidMetrics(invalid);
        }
    }

    /** The last failure closed the connection: open it again, or fail the batch so that it is retried whole. */
    private void reconnect() throws SinkException {
        try {
            connect();
        } catch (SQLException | RuntimeException e) {
            // Never a permanent failure: that would write the batch event by event and reject every one.
            throw SinkException.retryable("cannot reopen " + file.path(), e);
        }
    }

    private void abandon(Exception cause) {
        try {
            insertLog.clearBatch();
            insertMetric.clearBatch();
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void reportInvalidMetrics(long invalid) {
        long before = invalidMetrics;
        invalidMetrics += invalid;
        if (Long.highestOneBit(before) != Long.highestOneBit(invalidMetrics)) {
            status.addWarn("Appender [" + appenderName + "] stored " + invalidMetrics + " events marked "
                    + dev.sluice.core.SluiceMetrics.MARKER.getName() + " in 'logs' instead of 'metrics': they lack a"
                    + " 'name' or a finite numeric 'value' key-value (reported at powers of two).");
        }
    }

    /** Events marked as metrics that were stored as log rows because they were not valid samples. */
    long invalidMetrics() {
        return invalidMetrics;
    }

    @Override
    public void maintain() throws SQLException {
        if (connection == null || !retention.isDue()) {
            return;
        }
        // Retention runs in auto-commit mode: each chunk is one statement, so one short transaction.
        connection.setAutoCommit(true);
        try {
            String summary = retention.maintain(connection);
            if (summary != null) {
                status.addInfo("Appender [" + appenderName + "] " + summary + " in " + file.path() + ".");
            }
        } finally {
            connection.setAutoCommit(false);
        }
    }

    @Override
    public boolean isConnected() {
        return connection != null;
    }

    @Override
    public void close() throws SQLException {
        closeConnection();
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current == null) {
            return;
        }
        try {
            // Closing the last connection checkpoints the WAL into the file and removes it.
            current.close();
        } catch (SQLException e) {
            status.addWarn("Appender [" + appenderName + "] failed to close " + file.path() + ".", e);
        }
    }
}
