package dev.sluice.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoreTimeTest {

    @Test
    void roundsUpToTheNextWholeMillisecond() {
        Instant t = Instant.ofEpochMilli(1_000);
        assertThat(StoreTime.ceilMillis(t)).isEqualTo(1_000);
        assertThat(StoreTime.ceilMillis(t.plusNanos(1))).isEqualTo(1_001);
        assertThat(StoreTime.ceilMillis(t.plusNanos(999_999))).isEqualTo(1_001);
        assertThat(StoreTime.ceilMillis(t.minusNanos(1))).isEqualTo(1_000);
        assertThat(StoreTime.ceilMillis(Instant.ofEpochMilli(-5).plusNanos(1))).isEqualTo(-4);
    }

    @Test
    void saturatesBeyondTheRangeOfALong() {
        assertThat(StoreTime.ceilMillis(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
        assertThat(StoreTime.ceilMillis(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    }
}
