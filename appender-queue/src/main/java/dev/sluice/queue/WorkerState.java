package dev.sluice.queue;

/**
 * What the server knows of one worker across its connections: the last sequence number it accepted (handed off) and
 * the last it dispatched. A resent event at or below {@code accepted} is a duplicate.
 */
final class WorkerState {

    private long accepted;
    private volatile long dispatched;

    /** Whether the event is new (and is now accepted); false for a duplicate. */
    synchronized boolean accept(long sequence) {
        if (sequence <= accepted) {
            return false;
        }
        accepted = sequence;
        return true;
    }

    /** Called by the one dispatcher thread, in order. */
    void dispatched(long sequence) {
        dispatched = sequence;
    }

    long dispatched() {
        return dispatched;
    }
}
