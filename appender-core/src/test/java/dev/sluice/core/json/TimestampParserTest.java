package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cached fast path gives exactly what {@link Instant#parse} gives, and refuses what it refuses. */
class TimestampParserTest {

    @Test
    void agreesWithInstantParseOnWhatTheFormatterWrites() {
        TimestampFormatter formatter = new TimestampFormatter();
        Random random = new Random(42);
        long base = 1_795_000_000_000L;
        for (int i = 0; i < 100_000; i++) {
            // Mostly the same few seconds (the cache), sometimes anywhere in the formatter's range.
            long millis = i % 100 == 0 ? random.nextLong() >> 20 : base + random.nextInt(5_000);
            String text = formatter.format(millis);
            assertThat(TimestampParser.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void otherFormsTakeTheSlowPathAndBadOnesAreRefused() {
        TimestampParser.parse("2026-11-21T18:35:56.123Z"); // fill the cache with this second
        for (String other : new String[] {
            "2026-11-21T18:35:56Z",
            "2026-11-21T18:35:56.1234Z",
            "2026-11-21T19:35:56.123+01:00",
            "2026-11-21T18:35:57.000Z"
        }) {
            assertThat(TimestampParser.parse(other)).as(other).isEqualTo(Instant.parse(other));
        }
        for (String bad :
                new String[] {"2026-11-21T18:35:56.1x3Z", "2026-11-21T18:35:56.123X", "2026-13-21T18:35:56.123Z"}) {
            assertThatThrownBy(() -> TimestampParser.parse(bad)).as(bad).isInstanceOf(DateTimeException.class);
        }
    }
}
