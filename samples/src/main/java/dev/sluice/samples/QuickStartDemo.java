package dev.sluice.samples;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.SluiceAsyncAppender;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick-start demo: the seed's stress workload (20 threads x 1000 events, each with MDC and key-values) through
 * {@link SluiceAsyncAppender} into a file, then a report of what was delivered, what was dropped, and whether each
 * thread's events arrived in the order that thread logged them.
 */
public final class QuickStartDemo {

    static final int THREADS = 20;
    static final int EVENTS_PER_THREAD = 1000;

    private QuickStartDemo() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(System.getProperty("sluice.demo.file", "target/demo/sluice-demo.log"));
        System.setProperty("sluice.demo.file", file.toString());
        boolean ok = run(file, System.out);
        System.exit(ok ? 0 : 1);
    }

    /** Runs the workload and prints the report; true when nothing was lost and every thread's order held. */
    static boolean run(Path file, PrintStream out) throws JoranException, InterruptedException, IOException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-demo.xml");
        SluiceAsyncAppender async = (SluiceAsyncAppender)
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");

        long started = System.nanoTime();
        logFromThreads();
        long loggedNanos = System.nanoTime() - started;
        context.stop(); // drains the queue within shutdownGracePeriod
        AppenderStatsMXBean stats = async.getStats();

        OrderCheck check = OrderCheck.of(Files.readAllLines(file), THREADS);
        out.printf(
                "Sluice quick-start demo: %d threads x %d events through SluiceAsyncAppender into %s%n",
                THREADS, EVENTS_PER_THREAD, file);
        out.printf("  logged     %,d events in %d ms (calls returned)%n", stats.getAppended(), loggedNanos / 1_000_000);
        out.printf(
                "  delivered  %,d events in %,d batches (mean batch %.1f)%n",
                stats.getDelivered(), stats.getBatches(), stats.getDelivered() / Math.max(1.0, stats.getBatches()));
        out.printf(
                "  dropped    %,d (queue_full=%d, shutdown=%d, rejected_by_sink=%d)%n",
                stats.getDropped(),
                stats.getDroppedQueueFull(),
                stats.getDroppedShutdown(),
                stats.getDroppedRejectedBySink());
        out.printf(
                "  file lines %,d; per-thread order %s; duplicates %d%n",
                check.lines(), check.inOrder() ? "held for all " + THREADS + " threads" : "BROKEN", check.duplicates());
        boolean ok = stats.getDropped() == 0
                && stats.getDelivered() == (long) THREADS * EVENTS_PER_THREAD
                && check.lines() == THREADS * EVENTS_PER_THREAD
                && check.inOrder()
                && check.duplicates() == 0;
        out.println(ok ? "RESULT ok: every event delivered once, in order" : "RESULT FAILED");
        return ok;
    }

    private static void logFromThreads() throws InterruptedException {
        Logger logger = LoggerFactory.getLogger("demo.stress");
        StressWorkload.run(
                THREADS,
                EVENTS_PER_THREAD,
                (worker, i) -> logger.atInfo()
                        .addKeyValue("job", "stress")
                        .addKeyValue("seq", i)
                        .log("{} event {}", worker, i));
    }
}
