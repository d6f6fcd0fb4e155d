package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

/** Retention on a real file: by age, by row count, in chunks; space returned and the WAL truncated. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetentionTest {

    private static final long TWO_DAYS_MILLIS = Duration.ofDays(2).toMillis();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    /** Logs through the logger's appenders with a timestamp in the past, as an event from two days ago. */
    private static void logOld(Logger logger, String message, boolean metric) {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, message, null, null);
        event.setTimeStamp(System.currentTimeMillis() - TWO_DAYS_MILLIS);
        if (metric) {
            event.addMarker(SluiceMetrics.MARKER);
            event.addKeyValuePair(new KeyValuePair(SluiceMetrics.NAME, "old.metric"));
            event.addKeyValuePair(new KeyValuePair(SluiceMetrics.VALUE, 1.0));
        }
        logger.callAppenders(event);
    }

    @Test
    void deletesRowsOlderThanMaxAgeInBothTablesAndGivesTheSpaceBack() throws Exception {
        Path db = dir.resolve("age.db");
        // First the data, written without retention; then an appender with retention opens the same file.
        try (LogbackTestContext writer = new LogbackTestContext("writer")) {
            configure(writer, db, "<batchSize>5000</batchSize>");
            Logger logger = writer.logger("app");
            String padding = "x".repeat(500);
            for (int i = 0; i < 5000; i++) {
                logOld(logger, "old " + i + " " + padding, false);
            }
            for (int i = 0; i < 300; i++) {
                logOld(logger, "old metric " + i, true);
            }
            for (int i = 0; i < 100; i++) {
                logger.info("fresh {}", i);
            }
            SluiceMetrics.record(logger, "fresh.metric", 2.0, "ms");
        }
        long pagesBefore = count(db, "PRAGMA page_count");

        SqliteAppender appender = configure(
                logback,
                db,
                "<maxAge>1 day</maxAge><retentionInterval>1 hour</retentionInterval>"
                        + "<retentionChunkSize>1000</retentionChunkSize>");

        StatusAssertions.awaitStatus(
                logback.context(), Status.INFO, "retention deleted 5300 rows and returned [1-9]\\d* free pages");
        assertThat(appender.getRetentionDeletedRows()).isEqualTo(5300);
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(100);
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id"))
                .containsExactlyElementsOf(
                        IntStream.range(0, 100).mapToObj(i -> "fresh " + i).toList());
        assertThat(strings(db, "SELECT name FROM metrics")).containsExactly("fresh.metric");
        // incremental_vacuum gave every free page back, and the checkpoint truncated the WAL.
        assertThat(count(db, "PRAGMA freelist_count")).isZero();
        assertThat(count(db, "PRAGMA page_count")).isLessThan(pagesBefore / 5);
        assertThat(Files.size(Path.of(db + "-wal"))).isZero();
    }

    @Test
    void keepsOnlyTheNewestMaxRowsRowsPerTable() throws Exception {
        Path db = dir.resolve("rows.db");
        SqliteAppender appender = configure(
                logback,
                db,
                "<maxRows>100</maxRows><retentionInterval>200 milliseconds</retentionInterval>"
                        + "<retentionChunkSize>7</retentionChunkSize>");
        Logger logger = logback.logger("app");
        for (int i = 0; i < 1000; i++) {
            logger.info("event {}", i);
        }
        for (int i = 0; i < 150; i++) {
            SluiceMetrics.record(logger, "m", i, null);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getRetentionDeletedRows() == 900 + 50);
        List<String> kept = strings(db, "SELECT message FROM logs ORDER BY id");
        assertThat(kept)
                .containsExactlyElementsOf(
                        IntStream.range(900, 1000).mapToObj(i -> "event " + i).toList());
        assertThat(strings(db, "SELECT CAST(value AS INTEGER) FROM metrics ORDER BY id"))
                .containsExactlyElementsOf(
                        IntStream.range(50, 150).mapToObj(String::valueOf).toList());
        assertThat(appender.getStats().getDropped()).isZero();
    }

    @Test
    void aFullFileRunsRetentionAtOnceSoWritingGoesOn() throws Exception {
        Path db = dir.resolve("full.db");
        SqliteAppender appender = configure(
                logback,
                db,
                "<maxDatabaseSize>256 KB</maxDatabaseSize><maxRows>300</maxRows><batchSize>100</batchSize>"
                        + "<retentionInterval>1 hour</retentionInterval><overflowPolicy>BLOCK</overflowPolicy>");
        Logger logger = logback.logger("app");
        String padding = "y".repeat(200);
        for (int i = 0; i < 5000; i++) {
            logger.info("event {} {}", i, padding);
        }
        logback.context().stop();

        // The file cannot hold 5000 such rows; every SQLITE_FULL made retention free the oldest before the retry.
        assertThat(appender.getStats().getDelivered()).isEqualTo(5000);
        assertThat(appender.getStats().getDropped()).isZero();
        assertThat(appender.getStats().getFailedAttempts()).isPositive();
        long deleted = appender.getRetentionDeletedRows();
        assertThat(deleted).isPositive();
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(5000 - deleted);
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id DESC LIMIT 1"))
                .containsExactly("event 4999 " + padding);
    }

    @Test
    void withoutASettingNothingIsDeleted() throws Exception {
        Path db = dir.resolve("keep.db");
        SqliteAppender appender = configure(logback, db, "<retentionInterval>1 millisecond</retentionInterval>");
        Logger logger = logback.logger("app");
        for (int i = 0; i < 50; i++) {
            logOld(logger, "old " + i, false);
        }
        logback.context().stop();
        assertThat(appender.getRetentionDeletedRows()).isZero();
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(50);
    }
}
