package dev.sluice.core;

import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;

/** A live read-only view of one pipeline's counters and gauges; what JMX and the appender getters show. */
final class AppenderStats implements AppenderStatsMXBean {

    private final PipelineCounters counters;
    private final BlockingQueue<?> queue;
    private final int capacity;
    private final BatchSink<?> sink;
    private final LongSupplier unconfirmed;

    AppenderStats(
            PipelineCounters counters,
            BlockingQueue<?> queue,
            int capacity,
            BatchSink<?> sink,
            LongSupplier unconfirmed) {
        this.counters = counters;
        this.queue = queue;
        this.capacity = capacity;
        this.sink = sink;
        this.unconfirmed = unconfirmed;
    }

    @Override
    public long getAppended() {
        return counters.appended();
    }

    @Override
    public long getEnqueued() {
        return counters.enqueued();
    }

    @Override
    public long getDelivered() {
        return counters.delivered();
    }

    @Override
    public long getBatches() {
        return counters.batches();
    }

    @Override
    public long getDropped() {
        return counters.droppedTotal();
    }

    @Override
    public long getDroppedQueueFull() {
        return counters.dropped(DropReason.QUEUE_FULL);
    }

    @Override
    public long getDroppedDiscardedByLevel() {
        return counters.dropped(DropReason.DISCARDED_BY_LEVEL);
    }

    @Override
    public long getDroppedFeedback() {
        return counters.dropped(DropReason.FEEDBACK);
    }

    @Override
    public long getDroppedShutdown() {
        return counters.dropped(DropReason.SHUTDOWN);
    }

    @Override
    public long getDroppedRejectedBySink() {
        return counters.dropped(DropReason.REJECTED_BY_SINK);
    }

    @Override
    public long getFailedAttempts() {
        return counters.failedAttempts();
    }

    @Override
    public long getRetries() {
        return counters.retries();
    }

    @Override
    public int getQueueDepth() {
        return queue.size();
    }

    @Override
    public long getUnconfirmed() {
        return unconfirmed.getAsLong();
    }

    @Override
    public int getQueueCapacity() {
        return capacity;
    }

    @Override
    public boolean isConnected() {
        return sink.isConnected();
    }

    /** The counters in one line, for status messages. */
    @Override
    public String toString() {
        return "appended=" + getAppended() + ", delivered=" + getDelivered() + ", dropped=" + getDropped()
                + " (queue_full=" + getDroppedQueueFull() + ", discarded_by_level=" + getDroppedDiscardedByLevel()
                + ", feedback=" + getDroppedFeedback() + ", shutdown=" + getDroppedShutdown()
                + ", rejected_by_sink=" + getDroppedRejectedBySink() + "), failedAttempts=" + getFailedAttempts()
                + ", retries=" + getRetries() + ", queueDepth=" + getQueueDepth() + ", unconfirmed=" + getUnconfirmed();
    }
}
