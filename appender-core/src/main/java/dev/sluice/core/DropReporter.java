package dev.sluice.core;

import ch.qos.logback.core.spi.ContextAware;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rate-limited status warnings about drops: one at the first drop of a run, one every {@code frequency} drops, and
 * a summary once a run is over. A run is over when the worker sees no new drop between two of its checks; the
 * worker checks after every batch and when idle, so producers never pay for the summary.
 */
final class DropReporter {

    private final ContextAware status;
    private final String appenderName;
    private final int frequency;
    private final AtomicLong inRun = new AtomicLong();
    private final AtomicLongArray inRunByReason = new AtomicLongArray(DropReason.values().length);
    private long seenAtLastCheck;

    DropReporter(ContextAware status, String appenderName, int frequency) {
        this.status = status;
        this.appenderName = appenderName;
        this.frequency = frequency;
    }

    /** Called by a producer for each drop it counted. */
    void onDrop(DropReason reason, int queueCapacity) {
        inRunByReason.incrementAndGet(reason.ordinal());
        long n = inRun.incrementAndGet();
        if (n == 1) {
            status.addWarn("Appender [" + appenderName + "] is dropping events (" + reason.label() + ", queue capacity "
                    + queueCapacity + "). Further drops are reported every " + frequency
                    + " and summarised when they stop.");
        } else if (frequency > 0 && n % frequency == 0) {
            status.addWarn("Appender [" + appenderName + "] has dropped " + n + " events in this run so far ("
                    + byReason(false) + ").");
        }
    }

    /** Called by the worker only: ends the run and reports it if no drop happened since the previous check. */
    void summarizeIfQuiet(long droppedSinceStart) {
        long n = inRun.get();
        if (n == 0 || n != seenAtLastCheck) {
            seenAtLastCheck = n;
            return;
        }
        String reasons = byReason(true);
        long total = inRun.getAndSet(0);
        seenAtLastCheck = 0;
        status.addWarn("Appender [" + appenderName + "] stopped dropping: " + total + " events dropped in this run ("
                + reasons + "); " + droppedSinceStart + " dropped since start.");
    }

    private String byReason(boolean reset) {
        StringBuilder text = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long count = reset ? inRunByReason.getAndSet(reason.ordinal(), 0) : inRunByReason.get(reason.ordinal());
            if (count > 0) {
                text.append(text.length() == 0 ? "" : ", ")
                        .append(reason.label())
                        .append('=')
                        .append(count);
            }
        }
        return text.toString();
    }
}
