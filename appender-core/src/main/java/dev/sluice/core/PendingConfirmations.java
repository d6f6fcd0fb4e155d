package dev.sluice.core;

import java.util.function.BiConsumer;

/**
 * The pipeline's side of a {@link ConfirmingSink}: counts the events the sink has accepted and not yet reported, so
 * that every event is counted once even though reports come from other threads. Events are expected before the sink
 * sees them (so a report can never come first); at stop, what is still pending is counted as dropped (shutdown) and
 * later reports are ignored.
 */
final class PendingConfirmations<E> implements Confirmations<E> {

    private final PipelineCounters counters;
    private final BiConsumer<E, Throwable> reject;
    private long pending;
    private boolean closed;

    /** @param reject counts and reports one event the sink refused */
    PendingConfirmations(PipelineCounters counters, BiConsumer<E, Throwable> reject) {
        this.counters = counters;
        this.reject = reject;
    }

    /** The worker is about to hand {@code events} events to the sink; negative when the hand-over failed. */
    synchronized void expect(int events) {
        pending += events;
    }

    @Override
    public synchronized void delivered(int events) {
        // A sink that reports more than it accepted must not break appended = delivered + dropped.
        long counted = Math.min(events, pending);
        if (closed || counted <= 0) {
            return;
        }
        pending -= counted;
        counters.onDelivered((int) counted);
    }

    @Override
    public synchronized void rejected(E event, Throwable cause) {
        if (closed || pending <= 0) {
            return;
        }
        pending--;
        reject.accept(event, cause);
    }

    synchronized long pending() {
        return pending;
    }

    /** Counts what is still pending as dropped (shutdown) and ignores later reports; returns that count. */
    synchronized long close() {
        closed = true;
        long lost = pending;
        pending = 0;
        counters.onDropped(DropReason.SHUTDOWN, lost);
        return lost;
    }
}
