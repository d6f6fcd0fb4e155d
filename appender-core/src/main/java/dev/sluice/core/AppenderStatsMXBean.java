package dev.sluice.core;

/**
 * The counters and gauges of one Sluice appender, registered as {@code dev.sluice:type=Appender,name=<name>}.
 * Counters are monotonic from {@code start()}; at rest {@code appended = delivered + dropped}.
 */
public interface AppenderStatsMXBean {

    /** Events that reached the appender (passed its filters) while it was started. */
    long getAppended();

    /** Events accepted into the queue. */
    long getEnqueued();

    /** Events the sink confirmed written. */
    long getDelivered();

    /** Successful sink writes; {@code delivered / batches} is the mean batch size. */
    long getBatches();

    /** Every event not delivered, whatever the reason. */
    long getDropped();

    long getDroppedQueueFull();

    long getDroppedDiscardedByLevel();

    long getDroppedFeedback();

    long getDroppedShutdown();

    long getDroppedRejectedBySink();

    /** Sink writes (or opens) that threw. */
    long getFailedAttempts();

    /** Writes repeated after a retryable failure. */
    long getRetries();

    /** Events waiting in the queue now. */
    int getQueueDepth();

    /**
     * Events the sink has sent and its destination has not yet confirmed (RabbitMQ's publisher confirms): counted as
     * delivered or dropped once it has. Always 0 for sinks that confirm before their write returns.
     */
    long getUnconfirmed();

    int getQueueCapacity();

    /** Whether the sink reports a live connection to its destination. */
    boolean isConnected();
}
