package dev.sluice.sqlite;

import java.util.List;

/**
 * The tables Sluice writes, as versioned migrations. Version 1 is the first release. A later version appends a
 * {@link SchemaMigration} here; {@link SchemaMigrator} runs the missing ones in place, in one transaction.
 *
 * <pre>
 * logs(id INTEGER PRIMARY KEY, ts, level, level_int, logger, thread, message, mdc, kv, markers, throwable, caller,
 *      service, host, pid, seq)
 * metrics(id INTEGER PRIMARY KEY, ts, name, value, unit, tags, logger, thread, service, host, pid)
 * </pre>
 */
public final class SqliteSchema {

    /** The schema version this release writes and reads: {@value}. */
    public static final int VERSION = 1;

    /** The table of log events. */
    public static final String LOGS = "logs";

    /** The table of metric samples. */
    public static final String METRICS = "metrics";

    /** The one-row table that records the schema version of the file. */
    public static final String VERSION_TABLE = "sluice_schema";

    /** Column order of {@link #INSERT_LOG}. */
    static final String INSERT_LOG = "INSERT INTO logs (ts, level, level_int, logger, thread, message, mdc, kv,"
            + " markers, throwable, caller, service, host, pid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Column order of {@link #INSERT_METRIC}. */
    static final String INSERT_METRIC = "INSERT INTO metrics (ts, name, value, unit, tags, logger, thread, service,"
            + " host, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final SchemaMigration V1 = new SchemaMigration(
            1,
            List.of(
                    // INTEGER PRIMARY KEY without AUTOINCREMENT: the rowid itself, no sqlite_sequence bookkeeping.
                    "CREATE TABLE logs ("
                            + "id INTEGER PRIMARY KEY,"
                            + " ts INTEGER NOT NULL," // epoch milliseconds, UTC
                            + " level TEXT NOT NULL,"
                            + " level_int INTEGER NOT NULL," // Logback's: TRACE 5000 ... ERROR 40000
                            + " logger TEXT NOT NULL,"
                            + " thread TEXT,"
                            + " message TEXT,"
                            + " mdc TEXT," // JSON object
                            + " kv TEXT," // JSON object
                            + " markers TEXT," // JSON array of names
                            + " throwable TEXT," // JSON object, as in the canonical event JSON
                            + " caller TEXT," // JSON object, only when caller data was captured
                            + " service TEXT,"
                            + " host TEXT,"
                            + " pid INTEGER,"
                            + " seq INTEGER)", // Logback's sequence number, when the context has a generator
                    "CREATE INDEX logs_ts ON logs (ts)",
                    "CREATE INDEX logs_level_ts ON logs (level_int, ts)",
                    "CREATE INDEX logs_logger_ts ON logs (logger, ts)",
                    "CREATE TABLE metrics ("
                            + "id INTEGER PRIMARY KEY,"
                            + " ts INTEGER NOT NULL,"
                            + " name TEXT NOT NULL,"
                            + " value REAL NOT NULL,"
                            + " unit TEXT,"
                            + " tags TEXT," // JSON object
                            + " logger TEXT,"
                            + " thread TEXT,"
                            + " service TEXT,"
                            + " host TEXT,"
                            + " pid INTEGER)",
                    "CREATE INDEX metrics_name_ts ON metrics (name, ts)",
                    "CREATE INDEX metrics_ts ON metrics (ts)"));

    /** Every migration, oldest first. */
    static final List<SchemaMigration> MIGRATIONS = List.of(V1);

    private SqliteSchema() {}

    /**
     * The DDL of every migration, oldest first: the {@code CREATE TABLE} and {@code CREATE INDEX} statements that
     * give an empty file the tables and indexes of this version. It does not record the version ({@value
     * #VERSION_TABLE}), so a file made with it alone is not one the appender will open; it is for tools that need
     * the same tables elsewhere, such as the benchmarks' raw JDBC baseline.
     *
     * @return an unmodifiable list of SQL statements, to be run in order
     */
    public static List<String> ddlStatements() {
        return MIGRATIONS.stream()
                .flatMap(migration -> migration.statements().stream())
                .toList();
    }
}
