package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.PATIENCE;
import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.numbers;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another connection holds the write lock longer than the appender's busyTimeout: writes (or the open) fail with
 * SQLITE_BUSY and are retried, the events wait in the queue, and once the lock is released every one of them arrives
 * in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SqliteLockedTest {

    private static final int EVENTS = 500;
    private static final String SETTINGS =
            "<busyTimeout>50 milliseconds</busyTimeout>" + "<queueSize>1000</queueSize><batchSize>100</batchSize>";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @Test
    void writesBlockedByAnExclusiveLockAreRetriedAndAllArriveWhenItIsReleased() throws Exception {
        Path db = dir.resolve("locked.db");
        SqliteAppender appender = configure(logback, db, SETTINGS);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("locked");
        logger.info("first");
        await().atMost(PATIENCE).until(() -> stats.getDelivered() == 1);

        try (Connection holder = jdbc(db);
                Statement s = holder.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            for (int i = 0; i < EVENTS; i++) {
                logger.info("{}", i);
            }
            await().atMost(PATIENCE).until(() -> stats.getRetries() >= 3);
            StatusAssertions.awaitStatus(logback.context(), Status.WARN, "failed to write a batch of \\d+ events");
            SqliteTestSupport.assertStatusMentions(logback.context(), Status.WARN, db.toString(), "SQLITE_BUSY");
            // Readers still read (WAL): nothing beyond the first event was committed, nothing was dropped.
            assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(1);
            assertThat(stats.getDelivered()).isEqualTo(1);
            assertThat(stats.getDropped()).isZero();
            s.execute("ROLLBACK");
        }

        await().atMost(PATIENCE).until(() -> stats.getDelivered() == 1 + EVENTS);
        StatusAssertions.awaitStatus(
                logback.context(), Status.INFO, "managed to deliver a batch of \\d+ events after \\d+ failed attempts");
        logback.context().stop();
        report("lock while writing", stats);
        assertDeliveredInOrder(db, stats, "first");
        assertThat(stats.getRetries()).as("every failed write retried").isEqualTo(stats.getFailedAttempts());
    }

    @Test
    void anOpenBlockedByAnExclusiveLockIsRetriedAndAllArriveWhenItIsReleased() throws Exception {
        Path db = dir.resolve("locked-before-start.db");
        try (Connection holder = jdbc(db);
                Statement s = holder.createStatement()) {
            s.execute("BEGIN EXCLUSIVE"); // on the new, empty file: nobody else may even read it
            SqliteAppender appender = configure(logback, db, SETTINGS);
            AppenderStatsMXBean stats = appender.getStats();
            Logger logger = logback.logger("locked");
            for (int i = 0; i < EVENTS; i++) {
                logger.info("{}", i);
            }
            await().atMost(PATIENCE).until(() -> stats.getFailedAttempts() >= 3);
            StatusAssertions.awaitStatus(logback.context(), Status.WARN, "failed to open its sink");
            SqliteTestSupport.assertStatusMentions(logback.context(), Status.WARN, db.toString(), "SQLITE_BUSY");
            assertThat(stats.isConnected()).isFalse();
            assertThat(stats.getDelivered()).isZero();
            assertThat(stats.getQueueDepth()).isEqualTo(EVENTS);
            s.execute("ROLLBACK");
        }
        SqliteAppender appender =
                (SqliteAppender) logback.context().getLogger("ROOT").getAppender("SQLITE");
        AppenderStatsMXBean stats = appender.getStats();
        await().atMost(PATIENCE).until(() -> stats.getDelivered() == EVENTS);
        StatusAssertions.awaitStatus(
                logback.context(), Status.INFO, "managed to open its sink after \\d+ failed attempts");
        logback.context().stop();
        report("lock before open", stats);
        assertDeliveredInOrder(db, stats);
        assertThat(stats.getRetries())
                .as("retries count writes; opening is retried apart")
                .isZero();
    }

    private static void report(String what, AppenderStatsMXBean stats) {
        System.out.println(what + ": " + stats);
    }

    /** Every event delivered after failed attempts, none dropped, the rows in logging order. */
    private static void assertDeliveredInOrder(Path db, AppenderStatsMXBean stats, String... before) throws Exception {
        int expected = before.length + EVENTS;
        assertThat(stats.getAppended()).isEqualTo(expected);
        assertThat(stats.getDelivered()).isEqualTo(expected);
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getFailedAttempts()).isGreaterThanOrEqualTo(3);
        List<String> messages = new ArrayList<>(List.of(before));
        messages.addAll(numbers(EVENTS));
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id")).containsExactlyElementsOf(messages);
    }
}
