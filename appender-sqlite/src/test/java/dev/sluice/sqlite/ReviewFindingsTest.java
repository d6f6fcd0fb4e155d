package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.util.Map;
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
}
