package dev.sluice.samples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.sqlite.LogQuery;
import dev.sluice.sqlite.LogRecord;
import dev.sluice.sqlite.LogStatistics;
import dev.sluice.sqlite.LogStore;
import dev.sluice.sqlite.MetricSummary;
import dev.sluice.sqlite.SqliteAppender;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite demo, what {@code scripts/demo} runs: the seed's stress workload (20 threads x 1000 events with MDC and
 * key-values, some warnings and errors with exceptions, and metric samples) through {@link SqliteAppender} into a
 * database file, then the log store's answers: statistics, the latest warnings, one worker's events, a metric
 * summary, and a check that every thread's events are stored in the order it logged them.
 */
public final class SqliteDemo {

    static final int THREADS = 20;
    static final int EVENTS_PER_THREAD = 1000;
    static final int METRICS_PER_THREAD = EVENTS_PER_THREAD / 10;
    static final String METRIC = "demo.work";

    private SqliteDemo() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(System.getProperty("sluice.demo.db", "target/demo/sluice-demo.db"));
        System.exit(run(db, System.out) ? 0 : 1);
    }

    /** Runs the workload into a fresh file and prints the report; true when nothing was lost and the order held. */
    static boolean run(Path db, PrintStream out) throws Exception {
        deleteDatabase(db);
        System.setProperty("sluice.demo.db", db.toString());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-sqlite-demo.xml");
        SqliteAppender appender =
                (SqliteAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("SQLITE");

        long started = System.nanoTime();
        logFromThreads();
        long loggedNanos = System.nanoTime() - started;
        context.stop(); // commits what is queued within shutdownGracePeriod
        AppenderStatsMXBean stats = appender.getStats();

        out.printf(
                "Sluice SQLite demo: %d threads x %d events (+%d metric samples each) through SqliteAppender into %s%n",
                THREADS, EVENTS_PER_THREAD, METRICS_PER_THREAD, db);
        out.printf("  logged     %,d events in %d ms (calls returned)%n", stats.getAppended(), loggedNanos / 1_000_000);
        out.printf(
                "  committed  %,d events in %,d transactions (mean batch %.1f); dropped %,d%n",
                stats.getDelivered(),
                stats.getBatches(),
                stats.getDelivered() / Math.max(1.0, stats.getBatches()),
                stats.getDropped());
        try (LogStore store = LogStore.open(db)) {
            return report(store, stats, out);
        }
    }

    private static boolean report(LogStore store, AppenderStatsMXBean stats, PrintStream out) {
        LogStatistics statistics = store.statistics(3);
        out.printf(
                "%nstatistics: %,d log rows, %,d metric rows, from %s to %s%n",
                statistics.totalLogs(),
                statistics.totalMetrics(),
                statistics.firstTimestamp(),
                statistics.lastTimestamp());
        out.printf("  by level   %s%n", statistics.logsByLevel());
        out.printf("  top threads %s%n", statistics.topThreads());

        out.printf("%nLogQuery.all().minLevel(WARN).newestFirst().limit(3):%n");
        store.logs(LogQuery.all().minLevel(Level.WARN).newestFirst().limit(3)).forEach(r -> print(out, r));

        List<LogRecord> worker7 = store.logs(LogQuery.all().mdc("worker", "w7").messageContains("event 99"));
        out.printf("%nLogQuery.all().mdc(\"worker\", \"w7\").messageContains(\"event 99\"): %d rows%n", worker7.size());
        worker7.stream().limit(3).forEach(r -> print(out, r));

        MetricSummary summary =
                store.metricSummary(METRIC, Instant.EPOCH, Instant.now().plusSeconds(60));
        out.printf(
                "%nmetricSummary(\"%s\"): count %d, min %.1f, max %.1f, avg %.2f, p50 %.1f, p90 %.1f, p99 %.1f%n",
                METRIC,
                summary.count(),
                summary.min(),
                summary.max(),
                summary.avg(),
                summary.p50(),
                summary.p90(),
                summary.p99());

        int inOrder = 0;
        List<String> expected = IntStream.range(0, EVENTS_PER_THREAD)
                .mapToObj(i -> "event " + i)
                .toList();
        for (int t = 0; t < THREADS; t++) {
            List<String> messages =
                    store.logs(LogQuery.all().thread("stress-" + t).limit(EVENTS_PER_THREAD + 1)).stream()
                            .map(r -> r.message().substring(r.message().indexOf("event ")))
                            .toList();
            if (messages.equals(expected)) {
                inOrder++;
            }
        }
        long logRows = (long) THREADS * EVENTS_PER_THREAD;
        long metricRows = (long) THREADS * METRICS_PER_THREAD;
        out.printf("%nper-thread order held for %d of %d threads%n", inOrder, THREADS);
        boolean ok = stats.getDropped() == 0
                && stats.getDelivered() == logRows + metricRows
                && statistics.totalLogs() == logRows
                && statistics.totalMetrics() == metricRows
                && summary.count() == metricRows
                && worker7.size() == 11
                && inOrder == THREADS;
        out.println(ok ? "RESULT ok: every event committed once, in order, and queryable" : "RESULT FAILED");
        return ok;
    }

    private static void print(PrintStream out, LogRecord r) {
        out.printf(
                "  #%d %s %-5s [%s] %s worker=%s %s%n",
                r.id(),
                r.timestamp(),
                r.level(),
                r.thread(),
                r.logger(),
                r.mdc().get("worker"),
                r.message());
    }

    private static void logFromThreads() throws InterruptedException {
        Logger logger = LoggerFactory.getLogger("demo.stress");
        Logger metrics = LoggerFactory.getLogger("demo.metrics");
        StressWorkload.run(THREADS, EVENTS_PER_THREAD, (worker, i) -> {
            logOne(logger, worker, i);
            if (i % 10 == 9) {
                SluiceMetrics.record(metrics, METRIC, i % 100 + 1, "ms");
            }
        });
    }

    private static void logOne(Logger logger, String worker, int i) {
        if (i % 250 == 249) {
            logger.atError()
                    .addKeyValue("seq", i)
                    .setCause(new IllegalStateException("simulated failure " + i))
                    .log("{} event {}", worker, i);
        } else if (i % 100 == 99) {
            logger.atWarn().addKeyValue("seq", i).log("{} event {}", worker, i);
        } else {
            logger.atInfo().addKeyValue("seq", i).log("{} event {}", worker, i);
        }
    }

    private static void deleteDatabase(Path db) throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }
}
