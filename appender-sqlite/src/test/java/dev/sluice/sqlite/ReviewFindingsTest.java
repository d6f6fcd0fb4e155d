package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Findings of a review of the SQLite appender, each pinned by a test that failed before its fix. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReviewFindingsTest {

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @Test
    void anAppenderStoppedAndStartedAgainWritesToTheSameFile() throws Exception {
        Path db = dir.resolve("restart.db");
        SqliteAppender appender = configure(logback, db, "");
        Logger logger = logback.logger("app");
        logger.info("before");
        appender.stop();
        appender.start();
        assertThat(appender.isStarted())
                .as(StatusAssertions.describe(logback.context()))
                .isTrue();
        logger.info("after");
        SluiceMetrics.record(logger, "m", 1, "ms");
        appender.stop();
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id")).containsExactly("before", "after");
        assertThat(count(db, "SELECT count(*) FROM metrics")).isEqualTo(1);
        assertThat(appender.getStats().getDelivered()).isEqualTo(2);
    }

    @Test
    void metricTagsNamedLikeTheReservedKeysDoNotReplaceTheSample() throws Exception {
        Path db = dir.resolve("tags.db");
        SqliteAppender appender = configure(logback, db, "");
        Logger logger = logback.logger("metrics");
        SluiceMetrics.record(logger, "http.latency", 12.5, "ms", Map.of("name", "checkout"));
        SluiceMetrics.record(logger, "queue.depth", 3, "items", Map.of("value", "high"));
        logback.context().stop();
        assertThat(strings(db, "SELECT name || '=' || value || ' ' || unit FROM metrics ORDER BY id"))
                .containsExactly("http.latency=12.5 ms", "queue.depth=3.0 items");
        assertThat(strings(db, "SELECT tags FROM metrics ORDER BY id"))
                .containsExactly("{\"name\":\"checkout\"}", "{\"value\":\"high\"}");
        assertThat(appender.getInvalidMetrics()).isZero();
    }

    /**
     * Two writers opening one new file at the same moment (two processes starting on it): the loser of the switch to
     * WAL got SQLITE_BUSY at once from {@code PRAGMA journal_mode}, without SQLite's busy handler, so its open failed
     * although its busy timeout had not passed (about 1 round in 300 on a loaded machine; SchemaMigratorTest's racing
     * migrators then waited at their barrier and timed out). Each open must succeed within its busy timeout.
     */
    @Test
    void writersOpeningOneNewFileTogetherBothSucceed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 1500; round++) {
                Path db = dir.resolve("race-" + round + ".db");
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> racers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    racers.add(threads.submit(() -> {
                        SchemaMigrator migrator = new SchemaMigrator(SqliteSchema.MIGRATIONS);
                        start.await();
                        try (Connection c = SqliteConnections.openWriter(
                                new SqliteFileSettings(db, "WAL", "NORMAL", 30_000, 2048, 0), migrator)) {
                            return migrator.migrate(c, db.toString());
                        }
                    }));
                }
                List<Integer> found = new ArrayList<>();
                for (Future<Integer> racer : racers) {
                    found.add(racer.get());
                }
                assertThat(found).as("round " + round).containsExactlyInAnyOrder(0, SqliteSchema.VERSION);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * An Error while binding an event (a key-value whose toString() runs out of memory) escaped the sink's clean-up,
     * which caught only RuntimeException: the rows bound before it stayed in the reused statement's batch, and the
     * pipeline's event-by-event retry then executed them again with each event, storing the earlier events twice.
     */
    @Test
    void anErrorWhileBindingAnEventStoresEveryOtherEventOnce() throws Exception {
        Path db = dir.resolve("error.db");
        SqliteAppender appender =
                configure(logback, db, "<batchSize>4</batchSize><maxBatchDelay>60 seconds</maxBatchDelay>");
        Logger logger = logback.logger("app");
        logger.info("one");
        logger.info("two");
        logger.atInfo()
                .addKeyValue("huge", new Object() {
                    @Override
                    public String toString() {
                        throw new OutOfMemoryError("simulated: a toString() too large for the heap");
                    }
                })
                .log("poison");
        logger.info("three");
        logback.context().stop();

        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(1);
        assertThat(stats.getDelivered()).isEqualTo(3);
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id")).containsExactly("one", "two", "three");
    }

    /**
     * getRetentionDeletedRows(), getInvalidMetrics() and the connected gauge (JMX) are read by other threads while the
     * worker writes the fields behind them; as plain fields they had no happens-before edge with those writes (a data
     * race: a reader may see a stale or, for a long on a 32-bit JVM, a torn value). A race cannot be shown reliably by
     * running it, so this pins the fix: each field is volatile.
     */
    @Test
    void theCountersReadByOtherThreadsAreVolatile() throws Exception {
        assertThat(Modifier.isVolatile(
                        SqliteSink.class.getDeclaredField("invalidMetrics").getModifiers()))
                .isTrue();
        assertThat(Modifier.isVolatile(
                        SqliteSink.class.getDeclaredField("connection").getModifiers()))
                .isTrue();
        assertThat(Modifier.isVolatile(
                        Retention.class.getDeclaredField("deletedTotal").getModifiers()))
                .isTrue();
    }
}
