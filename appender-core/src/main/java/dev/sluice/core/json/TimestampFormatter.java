package dev.sluice.core.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * Formats epoch milliseconds as ISO-8601 UTC with exactly three fraction digits, e.g.
 * {@code 2026-11-21T18:35:56.123Z}. Years outside 0000-9999 come out as ISO-8601 expanded years, with a sign and as
 * many digits as needed ({@code +10000-01-01T00:00:00.000Z}, {@code -0001-12-31T23:59:59.999Z}): every {@code long}
 * is written, and {@link java.time.Instant#parse} reads it back. Thread-safe.
 *
 * <p>Events arrive in bursts within the same second, so the text up to the seconds is formatted once per second and
 * cached; only the milliseconds are appended per event. This avoids a {@link DateTimeFormatter} call on the hot path.
 */
final class TimestampFormatter {

    /** Always three fraction digits, always 'Z': the wire format the schema pins down. */
    static final DateTimeFormatter FORMATTER =
            new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private static final int MILLIS_AND_ZONE_LENGTH = "000Z".length();

    private static final int MILLIS_DIGITS = 3;

    /** Long enough for the usual form; expanded years grow the buffer. */
    private static final int MAX_LENGTH = "2026-11-21T18:35:56.123Z".length();

    /** One immutable snapshot, swapped as a whole so readers never see a torn prefix. */
    private static final class Second {
        final long epochSecond;
        final byte[] prefix;

        Second(long epochSecond, byte[] prefix) {
            this.epochSecond = epochSecond;
            this.prefix = prefix;
        }
    }

    private volatile Second cached = new Second(Long.MIN_VALUE, new byte[0]);

    /** Formats {@code epochMillis} (any long that {@link Instant} can represent). */
    String format(long epochMillis) {
        JsonByteWriter out = new JsonByteWriter(MAX_LENGTH);
        writeTo(epochMillis, out);
        return out.toUtf8String();
    }

    /** Writes the text {@link #format} returns, without quotes, straight into {@code out}. */
    void writeTo(long epochMillis, JsonByteWriter out) {
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        Second second = cached;
        if (second.epochSecond != epochSecond) {
            String full = FORMATTER.format(Instant.ofEpochSecond(epochSecond));
            byte[] prefix =
                    full.substring(0, full.length() - MILLIS_AND_ZONE_LENGTH).getBytes(StandardCharsets.US_ASCII);
            second = new Second(epochSecond, prefix);
            cached = second;
        }
        out.write(second.prefix, 0, second.prefix.length);
        out.padded(millis, MILLIS_DIGITS).raw('Z');
    }
}
