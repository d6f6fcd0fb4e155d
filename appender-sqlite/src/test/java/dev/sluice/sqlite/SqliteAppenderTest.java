package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

/** The appender end to end on a real file: columns, metrics, pragmas, schema version. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteAppenderTest {

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @Test
    void writesEveryColumnOfALogEvent() throws Exception {
        Path db = dir.resolve("app.db");
        SqliteAppender appender = configure(logback, db, "<service>billing</service><host>h1</host>");
        Logger logger = logback.logger("com.example.Billing");
        MDC.put("job", "j-42");
        try {
            logger.atWarn()
                    .addMarker(MarkerFactory.getMarker("AUDIT"))
                    .addKeyValue("amount", 12)
                    .setCause(new IllegalStateException("card declined"))
                    .log("charge {} failed", "c-1");
        } finally {
            MDC.remove("job");
        }
        logback.context().stop();
        assertThat(appender.getStats().getDelivered())
                .as(StatusAssertions.describe(logback.context()))
                .isEqualTo(1);

        try (Connection c = jdbc(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ts, level, level_int, logger, thread, message,"
                        + " json_extract(mdc, '$.job'), json_extract(kv, '$.amount'), markers,"
                        + " json_extract(throwable, '$.class'), json_extract(throwable, '$.message'), caller,"
                        + " service, host, pid FROM logs")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isPositive();
            assertThat(rs.getString(2)).isEqualTo("WARN");
            assertThat(rs.getInt(3)).isEqualTo(30_000);
            assertThat(rs.getString(4)).isEqualTo("com.example.Billing");
            assertThat(rs.getString(5)).isEqualTo(Thread.currentThread().getName());
            assertThat(rs.getString(6)).isEqualTo("charge c-1 failed");
            assertThat(rs.getString(7)).isEqualTo("j-42");
            assertThat(rs.getInt(8)).isEqualTo(12);
            assertThat(rs.getString(9)).isEqualTo("[\"AUDIT\"]");
            assertThat(rs.getString(10)).isEqualTo("java.lang.IllegalStateException");
            assertThat(rs.getString(11)).isEqualTo("card declined");
            assertThat(rs.getString(12)).isNull();
            assertThat(rs.getString(13)).isEqualTo("billing");
            assertThat(rs.getString(14)).isEqualTo("h1");
            assertThat(rs.getLong(15)).isEqualTo(ProcessHandle.current().pid());
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void serviceAndHostDefaultAsTheJsonEncoderDoes() throws Exception {
        Path db = dir.resolve("identity.db");
        logback.property("service", "from-property");
        configure(logback, db, "");
        logback.logger("app").info("hello");
        logback.context().stop();
        assertThat(strings(db, "SELECT ifnull(service, '<null>') || ' ' || ifnull(host, '<null>') FROM logs"))
                .containsExactly(
                        "from-property " + java.net.InetAddress.getLocalHost().getHostName());
    }

    @Test
    void metricEventsGoToTheMetricsTable() throws Exception {
        Path db = dir.resolve("metrics.db");
        SqliteAppender appender = configure(logback, db, "");
        Logger logger = logback.logger("metrics");
        SluiceMetrics.record(logger, "http.latency", 12.5, "ms");
        SluiceMetrics.record(logger, "queue.depth", 3, null, Map.of("queue", "orders"));
        logger.atInfo().addMarker(SluiceMetrics.MARKER).log("a metric without a name");
        logger.info("an ordinary event");
        logback.context().stop();

        assertThat(appender.getStats().getDelivered()).isEqualTo(4);
        assertThat(strings(
                        db,
                        "SELECT name || '=' || value || ' ' || ifnull(unit, '-') || ' ' || ifnull(tags, '-')"
                                + " FROM metrics ORDER BY id"))
                .containsExactly("http.latency=12.5 ms -", "queue.depth=3.0 - {\"queue\":\"orders\"}");
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id"))
                .containsExactly("a metric without a name", "an ordinary event");
        assertThat(appender.getInvalidMetrics()).isEqualTo(1);
        StatusAssertions.assertStatus(logback.context(), ch.qos.logback.core.status.Status.WARN, "lack a 'name'");
    }

    @Test
    void createsAVersionedWalDatabaseWithIncrementalVacuum() throws Exception {
        Path db = dir.resolve("nested/dirs/pragmas.db");
        configure(logback, db, "");
        logback.logger("app").info("hello");
        logback.context().stop();
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(SqliteSchema.VERSION);
        assertThat(strings(db, "PRAGMA journal_mode")).containsExactly("wal");
        assertThat(count(db, "PRAGMA auto_vacuum")).isEqualTo(2);
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(1);
        assertThat(strings(db, "SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name"))
                .containsExactly("logs_level_ts", "logs_logger_ts", "logs_ts", "metrics_name_ts", "metrics_ts");
    }

    @Test
    void twentyThreadsTimesAThousandEventsArriveInPerThreadOrder() throws Exception {
        Path db = dir.resolve("stress.db");
        logback.configure("<configuration>"
                + "<sequenceNumberGenerator class='ch.qos.logback.core.spi.BasicSequenceNumberGenerator'/>"
                + "<appender name='SQLITE' class='dev.sluice.sqlite.SqliteAppender'><path>" + db + "</path>"
                + "<overflowPolicy>BLOCK</overflowPolicy></appender>"
                + "<root level='INFO'><appender-ref ref='SQLITE'/></root></configuration>");
        SqliteAppender appender =
                (SqliteAppender) logback.context().getLogger("ROOT").getAppender("SQLITE");
        Logger logger = logback.logger("stress");
        Thread[] threads = new Thread[20];
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = new Thread(
                    () -> {
                        for (int i = 0; i < 1000; i++) {
                            logger.info("{}", i);
                        }
                    },
                    "stress-" + thread);
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        logback.context().stop();
        assertThat(appender.getStats().getDelivered()).isEqualTo(20_000);
        assertThat(appender.getStats().getDropped()).isZero();
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(20_000);
        assertThat(count(db, "SELECT count(DISTINCT seq) FROM logs")).isEqualTo(20_000);
        // Per thread, ordering by sequence number gives the messages 0..999 in order (and so does the row id).
        for (int t = 0; t < 20; t++) {
            String thread = "stress-" + t;
            assertThat(strings(db, "SELECT message FROM logs WHERE thread = '" + thread + "' ORDER BY seq"))
                    .as(thread)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1000)
                            .mapToObj(String::valueOf)
                            .toList());
            assertThat(strings(db, "SELECT message FROM logs WHERE thread = '" + thread + "' ORDER BY id"))
                    .as(thread)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1000)
                            .mapToObj(String::valueOf)
                            .toList());
        }
    }
}
