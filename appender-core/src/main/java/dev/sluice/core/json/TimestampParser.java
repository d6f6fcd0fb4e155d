package dev.sluice.core.json;

import java.time.Instant;

/**
 * Parses the timestamps {@link TimestampFormatter} writes, fast: events arrive in bursts within the same second, so
 * the text up to the seconds ({@code 2026-11-21T18:35:56}) is parsed once per second and cached, and only the
 * milliseconds are read per event. Any other form that {@link Instant#parse} accepts takes the slow path. Thread-safe.
 */
final class TimestampParser {

    /** {@code yyyy-MM-ddTHH:mm:ss}: the part shared by every event of one second. */
    private static final int PREFIX_LENGTH = "2026-11-21T18:35:56".length();

    /** The canonical form: the prefix, a dot, three digits and Z. */
    private static final int CANONICAL_LENGTH = PREFIX_LENGTH + ".123Z".length();

    /** One immutable snapshot, swapped as a whole so readers never see a torn pair. */
    private record Second(String prefix, long epochSecond) {}

    private static volatile Second cached = new Second("", 0);

    private TimestampParser() {}

    /** As {@link Instant#parse}, which also reports what is wrong with the text. */
    static Instant parse(String text) {
        if (text.length() != CANONICAL_LENGTH
                || text.charAt(PREFIX_LENGTH) != '.'
                || text.charAt(CANONICAL_LENGTH - 1) != 'Z') {
            return Instant.parse(text);
        }
        int millis = digit(text, PREFIX_LENGTH + 1) * 100
                + digit(text, PREFIX_LENGTH + 2) * 10
                + digit(text, PREFIX_LENGTH + 3);
        Second second = cached;
        if (millis < 0 || !text.regionMatches(0, second.prefix(), 0, PREFIX_LENGTH)) {
            Instant parsed = Instant.parse(text);
            if (millis >= 0) {
                cached = new Second(text.substring(0, PREFIX_LENGTH), parsed.getEpochSecond());
            }
            return parsed;
        }
        return Instant.ofEpochSecond(second.epochSecond(), millis * 1_000_000L);
    }

    /** The digit at {@code index}, or a large negative number if it is not one (so the sum is negative). */
    private static int digit(String text, int index) {
        char c = text.charAt(index);
        return c >= '0' && c <= '9' ? c - '0' : -10_000;
    }
}
