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

    // Written only by the worker; volatile because isConnected() and invalidMetrics() are read by other threads
    // (JMX, the appender's getters).
    private volatile Connection connection;
    private PreparedStatement insertLog;
    private PreparedStatement insertMetric;
    private volatile long invalidMetrics;
    private boolean freeSpaceFirst;
    private boolean spaceWarningGiven;

    SqliteSink(SqliteFileSettings file, EventRows rows, Retention retention, ContextAware status, String appenderName) {
        this.file = file;
        this.rows = rows;
        this.retention = retention;
        this.status = status;
        this.appenderName = appenderName;
    }

    @Override
    public void open() throws SinkException {
        connect();
    }

    /**
     * Opens the writer, brings the schema up to date and prepares the inserts. A failure names the file and is always
     * retryable: no event is at fault, whether the file is locked, full, not a database or of a foreign schema.
     */
    private void connect() throws SinkException {
        try {
            connection = openPrepared();
        } catch (SQLException e) {
            throw SqliteFailures.forOpen(e, file.path().toString());
        }
    }

    private Connection openPrepared() throws SQLException {
        SchemaMigrator schema = new SchemaMigrator(SqliteSchema.MIGRATIONS);
        Connection opened = SqliteConnections.openWriter(file, schema);
        try {
            int before = schema.migrate(opened, file.path().toString());
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
        return opened;
    }

    private void warnIfSpaceCannotBeReclaimed(Connection opened) throws SQLException {
        if (spaceWarningGiven) {
            return; // the write path reopens the file after some failures: say it once
        }
        try (Statement statement = opened.createStatement()) {
            if (SqliteConnections.queryLong(statement, "PRAGMA auto_vacuum") != 2) {
                spaceWarningGiven = true;
                status.addWarn("Appender [" + appenderName + "] " + file.path() + " was not created with"
                        + " auto_vacuum=INCREMENTAL, so retention frees pages for reuse but the file does not"
                        + " shrink. Run 'PRAGMA auto_vacuum=INCREMENTAL; VACUUM;' on it once to change that.");
            }
        }
    }

    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        if (connection == null) {
            connect(); // the last failure closed it
        }
        if (freeSpaceFirst) {
            // The last write found the file full: the pipeline retries without calling maintain(), so run
            // retention here, before the retry, to win the space back.
            freeSpaceFirst = false;
            runRetentionBeforeRetry();
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
            boolean rolledBack = abandon(e);
            int code = SqliteFailures.primaryCode(e);
            if (code == SqliteFailures.SQLITE_FULL && retention.isEnabled()) {
                retention.runSoon();
                freeSpaceFirst = true;
            }
            if (!rolledBack || SqliteFailures.needsReopen(code)) {
                closeConnection();
            }
            throw SqliteFailures.forPipeline(e, file.path().toString());
        } catch (RuntimeException | Error e) {
            // An Error too (a toString() out of memory while binding): the rows bound so far must leave the reused
            // statements' batches, or the pipeline's event-by-event retry would execute them again.
            if (!abandon(e)) {
                closeConnection();
            }
            throw e;
        }
        if (invalid > 0) {
            reportInvalidMetrics(invalid);
        }
    }

    /**
     * Rolls the batch back; false if that failed. SQLite ends the transaction itself on some errors (SQLITE_FULL,
     * SQLITE_IOERR, SQLITE_NOMEM); the driver's rollback then fails and does not begin a new transaction, so the
     * connection would commit each row of the retried batch on its own: rows counted as not delivered would stay in
     * the file and be written again. The caller closes such a connection; the next write opens a fresh one.
     */
    private boolean abandon(Throwable cause) {
        try {
            insertLog.clearBatch();
            insertMetric.clearBatch();
            connection.rollback();
            return true;
        } catch (SQLException e) {
            cause.addSuppressed(e);
            return false;
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

    private void runRetentionBeforeRetry() throws SinkException {
        try {
            maintain();
        } catch (SQLException e) {
            throw SqliteFailures.forPipeline(e, file.path().toString());
        }
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
