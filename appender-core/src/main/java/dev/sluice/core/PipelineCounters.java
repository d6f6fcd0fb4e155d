package dev.sluice.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * The monotonic counters of one pipeline. Producers only touch {@code LongAdder}s, which do not contend, and only
 * one per accepted event: {@code appended} is derived as enqueued plus refused at the door. At rest,
 * {@code appended = delivered + dropped}.
 */
final class PipelineCounters {

    private final LongAdder enqueued = new LongAdder();
    private final LongAdder refusedAtDoor = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];

    PipelineCounters() {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    void onEnqueued() {
        enqueued.increment();
    }

    void onDelivered(int events) {
        delivered.add(events);
        batches.increment();
    }

    void onFailedAttempt() {
        failedAttempts.increment();
    }

    void onRetry() {
        retries.increment();
    }

    /** An event that never entered the queue. */
    void onRefused(DropReason reason) {
        dropped[reason.ordinal()].increment();
        refusedAtDoor.increment();
    }

    /** Events dropped after they were queued. */
    void onDropped(DropReason reason, long events) {
        dropped[reason.ordinal()].add(events);
    }

    long appended() {
        return enqueued.sum() + refusedAtDoor.sum();
    }

    long enqueued() {
        return enqueued.sum();
    }

    long delivered() {
        return delivered.sum();
    }

    long batches() {
        return batches.sum();
    }

    long failedAttempts() {
        return failedAttempts.sum();
    }

    long retries() {
        return retries.sum();
    }

    long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    long droppedTotal() {
        long total = 0;
        for (LongAdder adder : dropped) {
            total += adder.sum();
        }
        return total;
    }
}
