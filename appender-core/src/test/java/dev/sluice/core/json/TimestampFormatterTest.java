package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampFormatterTest {

    private final TimestampFormatter formatter = new TimestampFormatter();

    @Test
    void formatsLikeTheReferenceFormatter() {
        long[] edges = {
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            -1,
            -999,
            -1000,
            -1001,
            TestEvents.TIMESTAMP,
            253_402_300_799_999L, // 9999-12-31T23:59:59.999Z
            253_402_300_800_000L, // year 10000
            -62_167_219_200_000L, // year 0
        };
        for (long millis : edges) {
            assertThat(formatter.format(millis)).as("%d", millis).isEqualTo(reference(millis));
        }
        SplittableRandom random = new SplittableRandom(7);
        long t = TestEvents.TIMESTAMP;
        for (int i = 0; i < 20_000; i++) {
            // Mostly small steps (cache hits), sometimes jumps anywhere (cache misses), also backwards.
            t = random.nextInt(10) == 0
                    ? random.nextLong(-10_000_000_000_000L, 10_000_000_000_000L)
                    : t + random.nextLong(-1500, 1500);
            assertThat(formatter.format(t)).as("%d", t).isEqualTo(reference(t));
        }
    }

    @Test
    void alwaysWritesThreeFractionDigits() {
        assertThat(formatter.format(TestEvents.TIMESTAMP - 123)).isEqualTo("2026-11-21T18:35:56.000Z");
        assertThat(formatter.format(TestEvents.TIMESTAMP - 113)).isEqualTo("2026-11-21T18:35:56.010Z");
    }

    private static String reference(long millis) {
        return TimestampFormatter.FORMATTER.format(Instant.ofEpochMilli(millis));
    }
}
