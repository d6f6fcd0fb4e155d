package dev.sluice.amqp.consumer;

import java.time.Duration;
import java.util.List;

/** The checked settings the workers share; the queues are resolved by then. */
record ConsumerSettings(
        List<String> queues,
        int prefetch,
        int batchSize,
        Duration maxBatchDelay,
        String failureQueue,
        Duration confirmTimeout,
        Duration maxBackoff) {}
