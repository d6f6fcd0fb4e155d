package dev.sluice.core;

import java.time.Duration;

/**
 * The validated, immutable settings of one pipeline, taken from the appender's properties at {@code start()}.
 *
 * @param queueSize capacity of the bounded queue
 * @param batchSize most events handed to the sink in one write
 * @param maxBatchDelay how long the worker lingers for a fuller batch; zero writes what is there at once
 * @param overflowPolicy what a producer does when the queue is full
 * @param appendTimeout longest wait under {@link OverflowPolicy#BLOCK}; zero waits until room or stop
 * @param shutdownGracePeriod how long {@code stop()} keeps delivering what is queued
 * @param backoff delays between retries of a failed write
 * @param droppedWarnFrequency a status warning every this many drops in a run; zero warns only at the first
 *     drop and in the summary
 */
record PipelineSettings(
        int queueSize,
        int batchSize,
        Duration maxBatchDelay,
        OverflowPolicy overflowPolicy,
        Duration appendTimeout,
        Duration shutdownGracePeriod,
        RetryBackoff backoff,
        int droppedWarnFrequency) {}
