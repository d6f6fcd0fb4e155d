package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.PATIENCE;
import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths the appender cannot use are refused at start with an ERROR naming them; files it can open but not use (not a
 * database, a foreign schema, a newer schema) leave it started, retrying, with statuses naming the file and the
 * reason, every event counted, and the file untouched.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteStartErrorsTest {

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @Test
    void refusesAPathWhoseParentIsARegularFile() throws Exception {
        Path parent = Files.writeString(dir.resolve("plain.txt"), "a file, not a directory");
        Path db = parent.resolve("app.db");
        assertRefused(db.toString(), "cannot create the directory " + parent, db.toString());
        assertThat(Files.readString(parent)).isEqualTo("a file, not a directory");
    }

    @Test
    void refusesAPathThatIsADirectory() {
        assertRefused(dir.toString(), "path " + dir + " is a directory");
    }

    @Test
    void refusesABlankPath() {
        assertRefused("   ", "path is not set");
    }

    @Test
    void refusesAPathWithAQuestionMark() {
        String path = dir.resolve("app.db") + "?mode=memory";
        assertRefused(path, "path '" + path + "' must be a plain file path");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesAnInMemoryDatabase() {
        assertRefused(":memory:", "path ':memory:' must be a plain file path");
        assertThat(Path.of(":memory:")).doesNotExist();
    }

    /** Configures through Joran: no exception, the appender not started, an ERROR naming the problem. */
    private void assertRefused(String path, String... fragments) {
        List<Status> statuses = logback.configureAllowingErrors("<configuration>"
                + "<appender name='SQLITE' class='dev.sluice.sqlite.SqliteAppender'><path>" + path
                + "</path></appender>"
                + "<root level='INFO'><appender-ref ref='SQLITE'/></root></configuration>");
        Appender<?> appender = logback.context().getLogger("ROOT").getAppender("SQLITE");
        assertThat(appender).as("appender attached").isNotNull();
        assertThat(appender.isStarted()).as("appender started").isFalse();
        SqliteTestSupport.assertStatusMentions(logback.context(), Status.ERROR, fragments);
        // The only errors are the appender's own refusal: nothing was thrown into Joran.
        assertThat(statuses.stream().filter(s -> s.getLevel() == Status.ERROR))
                .isNotEmpty()
                .allMatch(
                        s -> s.getMessage().startsWith("Appender [SQLITE] not started: ") && s.getThrowable() == null);
        logback.logger("app").info("logging on must not throw");
    }

    @Test
    void aFileThatIsNotADatabaseIsRetriedCountedAndLeftAlone() throws Exception {
        Path db = dir.resolve("garbage.db");
        byte[] garbage = "this is not a SQLite database\n".repeat(300).getBytes(StandardCharsets.US_ASCII);
        Files.write(db, garbage);
        AppenderStatsMXBean stats = startAndLog(db, 80);
        awaitOpenFailure(db, "SQLITE_NOTADB");
        logback.context().stop();

        assertThat(stats.getAppended()).isEqualTo(80);
        assertThat(stats.getDelivered()).isZero();
        assertThat(stats.getDroppedQueueFull()).isEqualTo(30);
        assertThat(stats.getDroppedShutdown()).isEqualTo(50);
        assertThat(stats.getDropped()).isEqualTo(80);
        StatusAssertions.assertStatus(
                logback.context(), Status.WARN, "could not deliver 50 events within shutdownGracePeriod");
        assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
    }

    @Test
    void aLogsTableSluiceDidNotCreateIsReportedAndLeftAlone() throws Exception {
        Path db = assertUnusableFileLeftAlone(
                "foreign.db",
                "already has a 'logs' table that Sluice did not create",
                "CREATE TABLE logs (line TEXT)",
                "INSERT INTO logs VALUES ('keep me')");
        assertThat(strings(db, "SELECT line FROM logs")).containsExactly("keep me");
        assertThat(count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'sluice_schema'"))
                .isZero();
    }

    @Test
    void aSchemaVersionFromANewerSluiceIsReportedAndLeftAlone() throws Exception {
        Path db = assertUnusableFileLeftAlone(
                "newer.db",
                "has Sluice schema version 99, written by a newer Sluice",
                "CREATE TABLE sluice_schema (id INTEGER PRIMARY KEY, version INTEGER, updated INTEGER)",
                "INSERT INTO sluice_schema VALUES (1, 99, 0)");
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(99);
        assertThat(count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'logs'"))
                .isZero();
    }

    /**
     * Creates a database with the statements, starts an appender on it and logs three events: the open fails with the
     * reason, the events are counted as dropped at shutdown, and the file keeps its journal mode.
     */
    private Path assertUnusableFileLeftAlone(String name, String reason, String... statements) throws Exception {
        Path db = dir.resolve(name);
        try (Connection c = jdbc(db);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        AppenderStatsMXBean stats = startAndLog(db, 3);
        awaitOpenFailure(db, reason);
        logback.context().stop();
        assertThat(stats.getDroppedShutdown()).isEqualTo(3);
        assertThat(strings(db, "PRAGMA journal_mode")).containsExactly("delete");
        return db;
    }

    /** Starts an appender on the file (it starts: the file is only opened by the worker) and logs n events. */
    private AppenderStatsMXBean startAndLog(Path db, int n) {
        SqliteAppender appender = configure(
                logback, db, "<queueSize>50</queueSize><shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>");
        for (int i = 0; i < n; i++) {
            logback.logger("app").info("{}", i);
        }
        return appender.getStats();
    }

    /** The open fails again and again, each failure a WARN naming the file and the reason; nothing is delivered. */
    private void awaitOpenFailure(Path db, String reason) {
        AppenderStatsMXBean stats =
                ((SqliteAppender) logback.context().getLogger("ROOT").getAppender("SQLITE")).getStats();
        await().atMost(PATIENCE).until(() -> stats.getFailedAttempts() >= 2);
        StatusAssertions.assertStatus(logback.context(), Status.WARN, "failed to open its sink");
        SqliteTestSupport.assertStatusMentions(logback.context(), Status.WARN, db.toString(), reason);
        assertThat(stats.isConnected()).isFalse();
        assertThat(stats.getDelivered()).isZero();
    }
}
