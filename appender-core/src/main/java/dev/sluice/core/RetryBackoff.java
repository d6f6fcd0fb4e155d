package dev.sluice.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits {@code min(max, initial * 2^(n-1))}, shortened by a random part
 * of up to {@code jitter} of itself so that many clients do not retry in step. The pipeline's retries use it, and so
 * can any other loop that retries (the AMQP consumer's).
 */
public record RetryBackoff(Duration initial, Duration max, double jitter) {

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayNanos(int attempt) {
        long initialNanos = initial.toNanos();
        long maxNanos = max.toNanos();
        int doublings = Math.min(Math.max(attempt - 1, 0), 62);
        long delay = initialNanos > (maxNanos >> doublings) ? maxNanos : initialNanos << doublings;
        delay = Math.min(delay, maxNanos);
        double cut = jitter * ThreadLocalRandom.current().nextDouble();
        return (long) (delay * (1.0 - cut));
    }
}
