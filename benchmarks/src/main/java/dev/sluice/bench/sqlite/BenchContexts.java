package dev.sluice.bench.sqlite;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.MDC;

/** A private Logback context per run, with one appender on its root logger, and its status messages. */
public final class BenchContexts {

    private static final long CONNECTED_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private BenchContexts() {}

    /** A started context that sees what {@code org.slf4j.MDC} holds on the logging thread. */
    public static LoggerContext create(String name) {
        LoggerContext context = new LoggerContext();
        context.setName(name);
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        return context;
    }

    /**
     * Starts the configured appender, puts it alone on the root logger at INFO, and returns the logger the events
     * are logged through.
     *
     * @throws IllegalStateException with the context's statuses, if the appender refused to start
     */
    public static Logger attach(LoggerContext context, Appender<ILoggingEvent> appender) {
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException(
                    appender.getClass().getSimpleName() + " did not start; " + statuses(context));
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        return context.getLogger(EventShape.LOGGER);
    }

    /** Every status message of the context, for the message of a failed run. */
    public static String statuses(Context context) {
        String all = context.getStatusManager().getCopyOfStatusList().stream()
                .map(BenchContexts::line)
                .collect(Collectors.joining("\n  "));
        return all.isEmpty() ? "(no status messages)" : "statuses:\n  " + all;
    }

    /**
     * Waits until the appender's worker has connected to its sink (opened its file, connected to its server), which
     * it does in the background: a run's clock starts only then.
     *
     * @throws IllegalStateException with the context's statuses, if it has not within {@code timeoutSeconds}
     */
    public static void awaitConnected(AppenderStatsMXBean stats, Context context, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!stats.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "the appender's worker did not connect within " + timeoutSeconds + " s; " + statuses(context));
            }
            LockSupport.parkNanos(CONNECTED_POLL_NANOS);
        }
    }

    static long errors(Context context) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getEffectiveLevel() >= Status.ERROR)
                .count();
    }

    private static String line(Status status) {
        int level = status.getEffectiveLevel();
        String text = (level >= Status.ERROR ? "[ERROR] " : level >= Status.WARN ? "[WARN] " : "[INFO] ")
                + status.getMessage();
        return status.getThrowable() == null ? text : text + " (" + status.getThrowable() + ")";
    }
}
