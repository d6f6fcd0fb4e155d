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
            String further = frequency > 0
                    ? "Further drops are reported every " + frequency + " and summarised when they stop."
                    : "Further drops are summarised when they stop.";
            status.addWarn("Appender [" + appenderName + "] is dropping events (" + reason.label() + ", queue capacity "
                    + queueCapacity + "). " + further);
        } else if (frequency > 0 && n % frequency == 0) {
            status.addWarn("Appender [" + appenderName + "] has dropped " + n + " events in this run so far ("
                    + describe(perReason(false)) + ").");
        }
    }

    /** Called by the worker only: ends the run and reports it if no drop happened since the previous check. */
    void summarizeIfQuiet(long droppedSinceStart) {
        long n = inRun.get();
        if (n == 0 || n != seenAtLastCheck) {
            seenAtLastCheck = n;
            return;
        }
        // The total is the sum of what is taken per reason, so a drop racing with this summary lands, whole, in
        // either this run or the next.
        long[] taken = perReason(true);
        long total = 0;
        for (long count : taken) {
            total += count;
        }
        inRun.addAndGet(-total);
        seenAtLastCheck = 0;
        status.addWarn("Appender [" + appenderName + "] stopped dropping: " + total + " events dropped in this run ("
                + describe(taken) + "); " + droppedSinceStart + " dropped since start.");
    }

    private long[] perReason(boolean reset) {
        long[] counts = new long[inRunByReason.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = reset ? inRunByReason.getAndSet(i, 0) : inRunByReason.get(i);
        }
        return counts;
    }

    /** {@code queue_full=3, discarded_by_level=1}: the reasons that occurred. */
    private static String describe(long[] counts) {
        StringBuilder text = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long count = counts[reason.ordinal()];
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
