package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.PATIENCE;
import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database at its size cap ({@code maxDatabaseSize}, PRAGMA max_page_count): writes fail with SQLITE_FULL and are
 * retried, the small queue overflows with every drop counted, nothing is half-written, and writing resumes once
 * another connection frees pages.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SqliteDiskFullTest {

    private static final int QUEUE_SIZE = 50;
    /** Fewer than the queue holds, so filling the file drops nothing. */
    private static final int CHUNK = 40;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @Test
    void aFullDatabaseIsRetriedCountsItsDropsAndResumesWhenSpaceIsFreed() throws Exception {
        Path db = dir.resolve("full.db");
        SqliteAppender appender = configure(
                logback,
                db,
                "<maxDatabaseSize>256 KB</maxDatabaseSize><busyTimeout>50 milliseconds</busyTimeout><queueSize>"
                        + QUEUE_SIZE + "</queueSize>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("filler");
        String padding = "x".repeat(1000);

        // Fill the file in chunks that fit in the queue, until a write fails.
        int logged = 0;
        while (stats.getFailedAttempts() == 0) {
            assertThat(logged).as("events logged without the file filling up").isLessThan(100_000);
            for (int i = 0; i < CHUNK; i++) {
                logger.info("{} {}", logged++, padding);
            }
            await().atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> stats.getQueueDepth() == 0 || stats.getFailedAttempts() > 0);
        }
        assertThat(stats.getDropped())
                .as("nothing dropped while the file had room")
                .isZero();
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "failed to write a batch of \\d+ events");
        SqliteTestSupport.assertStatusMentions(logback.context(), Status.WARN, db.toString(), "SQLITE_FULL");
        await().atMost(PATIENCE).until(() -> stats.getRetries() >= 3);

        // Stuck: nothing more is committed, and what is committed is exactly what was counted delivered.
        long deliveredWhenFull = stats.getDelivered();
        assertThat(deliveredWhenFull).isPositive().isLessThan(logged);
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(deliveredWhenFull);

        // The queue overflows while the file is full: every refused event is counted.
        for (int i = 0; i < 200; i++) {
            logger.info("{} while full", logged++);
        }
        assertThat(stats.getDroppedQueueFull()).isPositive();
        assertThat(stats.getAppended()).isEqualTo(logged);
        assertThat(stats.getDelivered()).isEqualTo(deliveredWhenFull);
        long failedWhileFull = stats.getFailedAttempts();

        // Free space from outside: another connection deletes every row, which puts the pages on the freelist. It
        // holds the write lock for a few of the appender's retries, which then also meet SQLITE_BUSY.
        List<String> deleted;
        try (Connection other = jdbc(db);
                Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            deleted = strings(other, "SELECT message FROM logs ORDER BY id");
            s.executeUpdate("DELETE FROM logs");
            long failedBeforeCommit = stats.getFailedAttempts();
            await().atMost(PATIENCE).until(() -> stats.getFailedAttempts() >= failedBeforeCommit + 3);
            s.execute("COMMIT");
        }
        assertThat(deleted).hasSize((int) deliveredWhenFull);

        await().atMost(PATIENCE).until(() -> stats.getQueueDepth() == 0 && stats.getDelivered() > deliveredWhenFull);
        StatusAssertions.awaitStatus(
                logback.context(), Status.INFO, "managed to deliver a batch of \\d+ events after \\d+ failed attempts");
        for (int i = 0; i < 20; i++) {
            logger.info("{} after", logged++);
        }
        logback.context().stop();

        System.out.printf(
                "disk full: delivered before full=%d, failedAttempts=%d (while full %d), retries=%d,"
                        + " droppedQueueFull=%d, delivered=%d, appended=%d%n",
                deliveredWhenFull,
                stats.getFailedAttempts(),
                failedWhileFull,
                stats.getRetries(),
                stats.getDroppedQueueFull(),
                stats.getDelivered(),
                stats.getAppended());
        assertThat(stats.getAppended()).isEqualTo(logged);
        assertThat(stats.getDroppedShutdown()).isZero();
        assertThat(stats.getDroppedRejectedBySink()).isZero();
        assertThat(stats.getAppended()).isEqualTo(stats.getDelivered() + stats.getDroppedQueueFull());
        assertThat(stats.getDropped()).isEqualTo(stats.getDroppedQueueFull());

        // Every delivered event is in the file (or was deleted by us) exactly once, in logging order.
        List<String> all = new ArrayList<>(deleted);
        all.addAll(strings(db, "SELECT message FROM logs ORDER BY id"));
        assertThat(all).hasSize((int) stats.getDelivered());
        List<Integer> numbers = all.stream()
                .map(m -> Integer.parseInt(m.substring(0, m.indexOf(' '))))
                .toList();
        assertThat(numbers).isSorted().doesNotHaveDuplicates();
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id DESC LIMIT 1"))
                .containsExactly((logged - 1) + " after");
        assertThat(strings(db, "PRAGMA integrity_check")).containsExactly("ok");
    }
}
