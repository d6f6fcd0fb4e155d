package dev.sluice.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.LogbackTestContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for the SQLite tests: configure an appender, read the file back with plain JDBC. */
final class SqliteTestSupport {

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
        List<String> values = new ArrayList<>();
        try (Connection c = jdbc(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
