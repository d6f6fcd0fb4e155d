package dev.sluice.queue;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the server knows of one worker across its connections: the last sequence number it accepted (handed off) and
 * the last it dispatched. A resent event at or below {@code accepted} is a duplicate.
 */
final class WorkerState {

    private long accepted;
    private volatile long dispatched;
    private final AtomicReference<RelayConnection> latest = new AtomicReference<>();

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

    /** The worker's newest connection: it is acked when events read on an older one are dispatched. */
    void connected(RelayConnection connection) {
        latest.set(connection);
    }

    /** Forgets a closed connection, so that the state does not keep it (and its buffers) alive. */
    void disconnected(RelayConnection connection) {
        latest.compareAndSet(connection, null);
    }

    RelayConnection latest() {
        return latest.get();
    }
}
