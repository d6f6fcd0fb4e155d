package dev.sluice.bench.sqlite;

/**
 * One measured run: rows committed to the database, the time they took, and the transactions they took.
 *
 * @param rows rows committed, counted by the appender's delivered counter and checked with {@code SELECT count(*)}
 * @param nanos from the first log call (or the first bind) until the last of those rows was committed
 * @param transactions commits that carried the rows
 */
record Measurement(long rows, long nanos, long transactions) {

    double rowsPerSecond() {
        return nanos > 0 ? rows * 1e9 / nanos : Double.NaN;
    }

    double rowsPerTransaction() {
        return transactions > 0 ? (double) rows / transactions : Double.NaN;
    }
}
