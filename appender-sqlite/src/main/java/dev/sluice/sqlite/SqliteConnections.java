package dev.sluice.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens the connections Sluice uses: the one writer per appender, and read-only connections for queries. */
final class SqliteConnections {

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
            String reported = queryString(statement, "PRAGMA journal_mode = " + mode);
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
