package dev.sluice.bench.sqlite;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.sqlite.SqliteAppender;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sluice end to end: a fresh {@link LoggerContext} whose root logger has one {@link SqliteAppender} with its default
 * settings (WAL, {@code synchronous=NORMAL}, batches of up to 1024, queue of 8192) except {@code overflowPolicy=BLOCK},
 * so that no event is dropped. The clock runs from the first log call until the appender counts every event
 * delivered, which it does after the transaction holding it has committed.
 */
final class SluiceRun {

    /** How often the main thread looks at the delivered counter; short against a run, cheap for the worker. */
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    /** The worker opens the file and creates the schema in the background; the clock starts once it has. */
    private static final long OPEN_TIMEOUT_SECONDS = 30;

    private SluiceRun() {}

    static Measurement run(Path db, long events, int threads) throws Exception {
        LoggerContext context = BenchContexts.create("sluice-sqlite-bench");
        try {
            SqliteAppender appender = new SqliteAppender();
            appender.setContext(context);
            appender.setName("SQLITE");
            appender.setPath(db.toString());
            appender.setOverflowPolicy("BLOCK");
            Logger logger = BenchContexts.attach(context, appender);
            AppenderStatsMXBean stats = appender.getStats();
            BenchContexts.awaitConnected(stats, context, OPEN_TIMEOUT_SECONDS);

            long start = Producers.logAll(logger, events, threads);
            long deadline = System.nanoTime() + timeoutNanos(events);
            while (stats.getDelivered() + stats.getDropped() < events) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Sluice delivered " + stats.getDelivered() + " of " + events
                            + " events in time; " + stats + "; " + BenchContexts.statuses(context));
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            long nanos = System.nanoTime() - start;
            long transactions = stats.getBatches();

            context.stop();
            long committed = BenchFiles.count(db, "logs");
            if (stats.getDelivered() != events || stats.getDropped() != 0 || committed != events) {
                throw new IllegalStateException("Sluice lost events: logged " + events + ", delivered "
                        + stats.getDelivered() + ", dropped " + stats.getDropped() + ", SELECT count(*) " + committed
                        + "; " + BenchContexts.statuses(context));
            }
            return new Measurement(committed, nanos, transactions);
        } finally {
            context.stop();
        }
    }

    /** Generous: a run far slower than the slowest disk means something is broken, not slow. */
    private static long timeoutNanos(long events) {
        return TimeUnit.SECONDS.toNanos(60 + events / 1_000);
    }
}
