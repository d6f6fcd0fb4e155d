package dev.sluice.sqlite;

import java.time.Instant;

/** Converts query instants to the stored {@code ts}: epoch milliseconds, UTC. */
final class StoreTime {

    private StoreTime() {}

    /**
     * The first whole millisecond at or after {@code instant}, so that {@code ts >= ceilMillis(from)} and
     * {@code ts < ceilMillis(to)} select exactly the stored milliseconds in {@code [from, to)}. Instants beyond the
     * range of a long saturate.
     */
    static long ceilMillis(Instant instant) {
        try {
            long millis =
                    Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1000L), instant.getNano() / 1_000_000);
            return instant.getNano() % 1_000_000 == 0 ? millis : Math.addExact(millis, 1);
        } catch (ArithmeticException overflow) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
