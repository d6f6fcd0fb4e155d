package dev.sluice.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Shared helpers for the SQLite tests: configure an appender, read the file back with plain JDBC. */
final class SqliteTestSupport {

    /** How long a test waits for what a worker or a child process does: generous, for loaded machines. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private SqliteTestSupport() {}

    /** Configures one SqliteAppender named SQLITE on the root logger, with fast retries and extra settings. */
    static SqliteAppender configure(LogbackTestContext logback, Path db, String extraSettings) {
        logback.configure("<configuration>"
                + "<appender name='SQLITE' class='dev.sluice.sqlite.SqliteAppender'>"
                + "<path>" + db + "</path>"
                + "<retryInitialDelay>5 milliseconds</retryInitialDelay>"
                + "<retryMaxDelay>50 milliseconds</retryMaxDelay>"
                + extraSettings
                + "</appender>"
                + "<root level='TRACE'><appender-ref ref='SQLITE'/></root>"
                + "</configuration>");
        SqliteAppender appender =
                (SqliteAppender) logback.context().getLogger("ROOT").getAppender("SQLITE");
        assertThat(appender).as("appender configured").isNotNull();
        assertThat(appender.isStarted()).as("appender started").isTrue();
        return appender;
    }

    /** A plain read-write JDBC connection to the file, as any other tool would open it. */
    static Connection jdbc(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /** Runs one statement on a plain read-write connection, as another tool would change the file. */
    static void execute(Path db, String sql) throws SQLException {
        try (Connection c = jdbc(db);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(Path db, String sql) throws SQLException {
        try (Connection c = jdbc(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    static List<String> strings(Path db, String sql) throws SQLException {
        try (Connection c = jdbc(db)) {
            return strings(c, sql);
        }
    }

    /** The first column of every row of the query, on a connection the caller holds. */
    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** "0", "1", ... up to {@code n - 1}: the messages of events logged as {@code logger.info("{}", i)}. */
    static List<String> numbers(int n) {
        return IntStream.range(0, n).mapToObj(String::valueOf).toList();
    }

    /**
     * Fails unless a status of exactly {@code level} mentions every fragment, in its message or in the message of its
     * throwable or of one of that throwable's causes: what a status printer shows the user.
     */
    static void assertStatusMentions(Context context, int level, String... fragments) {
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getLevel() == level && mentionsAll(status, fragments)) {
                return;
            }
        }
        throw new AssertionError("expected a " + StatusAssertions.levelName(level) + " status mentioning "
                + List.of(fragments) + "\n" + StatusAssertions.describe(context));
    }

    private static boolean mentionsAll(Status status, String... fragments) {
        StringBuilder text = new StringBuilder(String.valueOf(status.getMessage()));
        for (Throwable t = status.getThrowable(); t != null; t = t.getCause()) {
            text.append('\n').append(t.getMessage());
        }
        for (String fragment : fragments) {
            if (text.indexOf(fragment) < 0) {
                return false;
            }
        }
        return true;
    }
}
