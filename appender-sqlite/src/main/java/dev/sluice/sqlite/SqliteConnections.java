package dev.sluice.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens the connections Sluice uses: the one writer per appender, and read-only connections for queries. */
final class SqliteConnections {

    private static final long JOURNAL_MODE_FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long JOURNAL_MODE_MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private SqliteConnections() {}

    static String url(Path path) {
        return "jdbc:sqlite:" + path.toAbsolutePath();
    }

    /**
     * The writer: busy timeout first (the pragmas after it can meet another process's lock), generated keys off
     * (they halve insert throughput), a file the schema refuses refused before any pragma changes it, incremental
     * auto-vacuum before WAL (after WAL a new file ignores it), then the journal mode, sync level, page cache and size
     * cap. Left in auto-commit mode.
     *
     * @return the open connection and what the file reported for the settings that can silently differ
     */
    static Connection openWriter(SqliteFileSettings settings, SchemaMigrator schema) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(settings.busyTimeoutMillis());
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection(url(settings.path()));
        try (Statement statement = connection.createStatement()) {
            schema.check(connection, settings.path().toString());
            statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
            String mode = settings.journalMode();
            String reported = setJournalMode(statement, settings);
            if (!mode.equalsIgnoreCase(reported)) {
                throw new SQLException("journal_mode " + mode + " was refused for " + settings.path()
                        + " (the file reports " + reported + "); WAL needs a local file system");
            }
            statement.execute("PRAGMA synchronous = " + settings.synchronous());
            statement.execute("PRAGMA cache_size = -" + settings.cacheSizeKib());
            if (settings.maxDatabaseBytes() > 0) {
                long pageSize = queryLong(statement, "PRAGMA page_size");
                long pages = Math.max(1, settings.maxDatabaseBytes() / pageSize);
                statement.execute("PRAGMA max_page_count = " + pages);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection, e);
            throw e;
        }
        return connection;
    }

    /**
     * Sets the journal mode, waiting up to the busy timeout for other connections. On a file that another connection
     * is switching to WAL at the same moment (two processes starting on one new file), the pragma can fail with
     * SQLITE_BUSY at once, without SQLite's busy handler: retried here, with short pauses, until the busy timeout.
     */
    private static String setJournalMode(Statement statement, SqliteFileSettings settings) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.busyTimeoutMillis());
        long pause = JOURNAL_MODE_FIRST_PAUSE_NANOS;
        while (true) {
            try {
                return queryString(statement, "PRAGMA journal_mode = " + settings.journalMode());
            } catch (SQLException e) {
                long left = deadline - System.nanoTime();
                if (SqliteFailures.primaryCode(e) != SqliteFailures.SQLITE_BUSY || left <= 0) {
                    throw e;
                }
                LockSupport.parkNanos(Math.min(pause, left));
                pause = Math.min(pause * 2, JOURNAL_MODE_MAX_PAUSE_NANOS);
            }
        }
    }

    /** A read-only connection in auto-commit mode: each query reads one consistent snapshot and holds no lock after. */
    static Connection openReader(Path path, int busyTimeoutMillis) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis);
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        return config.createConnection(url(path));
    }

    static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)).toUpperCase(Locale.ROOT) : "";
        }
    }

    static long queryLong(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static void closeQuietly(Connection connection, Throwable cause) {
        try {
            connection.close();
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
