package dev.sluice.bench.sqlite;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.db.DBAppender;
import ch.qos.logback.core.db.DriverManagerConnectionSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The anchor: logback-db's {@link DBAppender} with a {@link DriverManagerConnectionSource} on the same kind of file,
 * as its manual configures it. It writes on the calling thread, one connection and one transaction per event (the
 * event row, then one property row per MDC entry), so a call returns once its event is committed and the clock stops
 * when the last call returns.
 *
 * <p>Its file is created in WAL mode, and its connections ask for {@code synchronous=NORMAL} and a 5 s busy timeout,
 * as Sluice's writer does: the comparison is of how each appender writes, not of durability settings.
 */
final class DbAppenderRun {

    /**
     * The tables {@code DBAppender} writes, in SQLite's dialect, after the schema logback-db documents for SQLite
     * (event ids from {@code AUTOINCREMENT}; properties and exception lines keyed by event id).
     */
    private static final List<String> DDL = List.of(
            "CREATE TABLE logging_event (timestmp BIGINT NOT NULL, formatted_message TEXT NOT NULL,"
                    + " logger_name VARCHAR(254) NOT NULL, level_string VARCHAR(254) NOT NULL,"
                    + " thread_name VARCHAR(254), reference_flag SMALLINT, arg0 VARCHAR(254), arg1 VARCHAR(254),"
                    + " arg2 VARCHAR(254), arg3 VARCHAR(254), caller_filename VARCHAR(254) NOT NULL,"
                    + " caller_class VARCHAR(254) NOT NULL, caller_method VARCHAR(254) NOT NULL,"
                    + " caller_line CHAR(4) NOT NULL, event_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT)",
            "CREATE TABLE logging_event_property (event_id BIGINT NOT NULL, mapped_key VARCHAR(254) NOT NULL,"
                    + " mapped_value TEXT, PRIMARY KEY (event_id, mapped_key),"
                    + " FOREIGN KEY (event_id) REFERENCES logging_event (event_id))",
            "CREATE TABLE logging_event_exception (event_id BIGINT NOT NULL, i SMALLINT NOT NULL,"
                    + " trace_line VARCHAR(254) NOT NULL, PRIMARY KEY (event_id, i),"
                    + " FOREIGN KEY (event_id) REFERENCES logging_event (event_id))");

    private static final String CONNECTION_PRAGMAS = "?synchronous=NORMAL&busy_timeout=5000";

    private DbAppenderRun() {}

    static Measurement run(Path db, long events, int threads) throws Exception {
        createTables(db);
        LoggerContext context = BenchContexts.create("dbappender-bench");
        try {
            DriverManagerConnectionSource source = new DriverManagerConnectionSource();
            source.setContext(context);
            source.setDriverClass("org.sqlite.JDBC");
            source.setUrl("jdbc:sqlite:" + db + CONNECTION_PRAGMAS);
            source.start();
            DBAppender appender = new DBAppender();
            appender.setContext(context);
            appender.setName("DB");
            appender.setConnectionSource(source);
            Logger logger = BenchContexts.attach(context, appender);

            long start = Producers.logAll(logger, events, threads);
            long nanos = System.nanoTime() - start;
            context.stop();

            long committed = BenchFiles.count(db, "logging_event");
            if (committed != events) {
                // Its failures go to the status manager and the event is lost; count only what was committed.
                System.out.println("# warning: DBAppender committed " + committed + " of " + events + " events ("
                        + BenchContexts.errors(context) + " error statuses); rows/s counts committed rows only");
            }
            return new Measurement(committed, nanos, committed);
        } finally {
            context.stop();
        }
    }

    private static void createTables(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL"); // persistent: every later connection opens it in WAL
            for (String sql : DDL) {
                statement.execute(sql);
            }
        }
    }
}
