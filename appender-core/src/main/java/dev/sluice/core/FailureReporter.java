package dev.sluice.core;

import ch.qos.logback.core.spi.ContextAware;
import java.util.concurrent.TimeUnit;

/**
 * Rate-limited status warnings about failed sink calls. Reports when the number of failures since start is a power
 * of two, or when a minute has passed since the last report, so that a dead destination and a flapping one both
 * stay visible without flooding the status manager. A recovery is reported only after a reported failure.
 * Used by the worker thread only.
 */
final class FailureReporter {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ContextAware status;
    private final String appenderName;
    private long failures;
    private long lastReportNanos;
    private boolean reportedInStreak;

    FailureReporter(ContextAware status, String appenderName) {
        this.status = status;
        this.appenderName = appenderName;
    }

    void failed(String what, int attempt, int queueDepth, Throwable failure) {
        failures++;
        long now = System.nanoTime();
        if (Long.bitCount(failures) == 1 || now - lastReportNanos >= QUIET_NANOS) {
            lastReportNanos = now;
            reportedInStreak = true;
            status.addWarn(
                    "Appender [" + appenderName + "] failed to " + what + " (attempt " + attempt + "; " + failures
                            + " failures since start); retrying with backoff. Events wait in the queue (depth "
                            + queueDepth + ").",
                    failure);
        }
    }

    void succeeded(String what, int failedAttempts) {
        if (reportedInStreak) {
            reportedInStreak = false;
            status.addInfo("Appender [" + appenderName + "] managed to " + what + " after " + failedAttempts
                    + " failed attempts.");
        }
    }
}
