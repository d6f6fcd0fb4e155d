package dev.sluice.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates or upgrades the schema of a database in place. Runs under {@code BEGIN IMMEDIATE}, so two processes opening
 * one new file at once do not both create it: the second waits (busy timeout), then finds the version recorded.
 */
final class SchemaMigrator {

    private static final String CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS " + SqliteSchema.VERSION_TABLE
            + " (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, updated INTEGER NOT NULL)";

    private final List<SchemaMigration> migrations;
    private final int latest;

    SchemaMigrator(List<SchemaMigration> migrations) {
        this.migrations = List.copyOf(migrations);
        this.latest = migrations.get(migrations.size() - 1).version();
    }

    /**
     * Brings the database to the latest version. The connection must be in auto-commit mode; it is left so.
     *
     * @return the version the database had before, 0 for a new one
     * @throws SchemaException if the file was written by a newer Sluice, or holds a {@code logs} table Sluice did not
     *     create
     */
    int migrate(Connection connection, String path) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                statement.execute(CREATE_VERSION_TABLE);
                int found = currentVersion(statement, path);
                for (SchemaMigration migration : migrations) {
                    if (migration.version() > found) {
                        for (String sql : migration.statements()) {
                            statement.execute(sql);
                        }
                    }
                }
                if (found < latest) {
                    statement.execute("INSERT OR REPLACE INTO " + SqliteSchema.VERSION_TABLE
                            + " (id, version, updated) VALUES (1, " + latest + ", "
                            + System.currentTimeMillis() + ")");
                }
                statement.execute("COMMIT");
                return found;
            } catch (SQLException | RuntimeException e) {
                rollback(statement, e);
                throw e;
            }
        }
    }

    /**
     * Refuses a file that {@link #migrate} would refuse, reading only, so that nothing is changed in a file Sluice must
     * not use (the journal mode, set before the migration, is persistent). The connection must be in auto-commit mode.
     *
     * @throws SchemaException if the file was written by a newer Sluice, or holds a {@code logs} table Sluice did not
     *     create
     */
    void check(Connection connection, String path) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // One read transaction: one snapshot, so a migration committed by another process between the reads
            // cannot look like a 'logs' table without a version.
            statement.execute("BEGIN");
            try {
                currentVersion(statement, path);
            } catch (SQLException | RuntimeException e) {
                rollback(statement, e);
                throw e;
            }
            statement.execute("COMMIT");
        }
    }

    private int currentVersion(Statement statement, String path) throws SQLException {
        int found = 0;
        if (tableExists(statement, SqliteSchema.VERSION_TABLE)) {
            try (ResultSet rs = statement.executeQuery("SELECT version FROM " + SqliteSchema.VERSION_TABLE)) {
                if (rs.next()) {
                    found = rs.getInt(1);
                }
            }
        }
        if (found > latest) {
            throw new SchemaException(path + " has Sluice schema version " + found + ", written by a newer Sluice;"
                    + " this one reads and writes up to version " + latest + ". Upgrade Sluice or use another file.");
        }
        if (found == 0 && tableExists(statement, SqliteSchema.LOGS)) {
            throw new SchemaException(path + " already has a 'logs' table that Sluice did not create (no "
                    + SqliteSchema.VERSION_TABLE + " version); use another file.");
        }
        return found;
    }

    private static boolean tableExists(Statement statement, String table) throws SQLException {
        try (ResultSet rs =
                statement.executeQuery("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '" + table + "'")) {
            return rs.next();
        }
    }

    /** Rolls back, keeping {@code cause} the failure reported: SQLite may have rolled back already (SQLITE_FULL). */
    private static void rollback(Statement statement, Exception cause) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
