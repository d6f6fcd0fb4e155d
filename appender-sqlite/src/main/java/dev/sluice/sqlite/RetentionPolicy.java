package dev.sluice.sqlite;

/**
 * What retention keeps: rows younger than {@code maxAgeMillis} (0: any age) and at most {@code maxRows} rows per table
 * (0: any number), checked every {@code intervalMillis}, deleted {@code chunkRows} at a time.
 */
record RetentionPolicy(long maxAgeMillis, long maxRows, long intervalMillis, int chunkRows) {

    boolean enabled() {
        return maxAgeMillis > 0 || maxRows > 0;
    }
}
