package dev.sluice.core;

/** Why an event was not delivered. Every dropped event is counted under exactly one reason. */
public enum DropReason {
    /** The queue was full (overflow policy DROP), or stayed full for {@code appendTimeout} (BLOCK). */
    QUEUE_FULL("queue_full"),
    /** The queue was nearly full and the event's level was at or below the discardable level. */
    DISCARDED_BY_LEVEL("discarded_by_level"),
    /** Logged on the appender's own worker thread or by an excluded logger: kept out to avoid feedback loops. */
    FEEDBACK("feedback"),
    /** Still queued, or still being retried, when {@code shutdownGracePeriod} ran out on stop. */
    SHUTDOWN("shutdown"),
    /** The sink rejected the event permanently (a poison event); the rest of its batch was delivered. */
    REJECTED_BY_SINK("rejected_by_sink");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The name used in status messages and metrics, e.g. {@code queue_full}. */
    public String label() {
        return label;
    }
}
