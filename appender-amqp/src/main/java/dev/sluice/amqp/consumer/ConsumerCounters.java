package dev.sluice.amqp.consumer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The consumer's monotonic counters, updated by every worker. */
final class ConsumerCounters {

    final LongAdder consumed = new LongAdder();
    final LongAdder storedMessages = new LongAdder();
    final LongAdder storedEvents = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder sinkRetries = new LongAdder();
    final LongAdder acked = new LongAdder();
    private final Map<FailureReason, LongAdder> deadLettered = new EnumMap<>(FailureReason.class);

    ConsumerCounters() {
        for (FailureReason reason : FailureReason.values()) {
            deadLettered.put(reason, new LongAdder());
        }
    }

    void countDeadLetter(FailureReason reason) {
        deadLettered.get(reason).increment();
    }

    long deadLettered(FailureReason reason) {
        return deadLettered.get(reason).sum();
    }

    long deadLetteredTotal() {
        return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
