package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesFromTheInitialDelayUpToTheMaximumWithoutJitter() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        assertThat(backoff.delayNanos(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(backoff.delayNanos(2)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(backoff.delayNanos(4)).isEqualTo(Duration.ofMillis(800).toNanos());
        assertThat(backoff.delayNanos(5)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(backoff.delayNanos(1_000_000))
                .isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void jitterCutsEachDelayByAtMostItsShareAndVaries() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0.5);
        long full = Duration.ofMillis(400).toNanos();
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (int i = 0; i < 1000; i++) {
            long delay = backoff.delayNanos(3);
            assertThat(delay).isBetween(full / 2, full);
            lowest = Math.min(lowest, delay);
            highest = Math.max(highest, delay);
        }
        assertThat(highest).isGreaterThan(lowest);
    }
}
