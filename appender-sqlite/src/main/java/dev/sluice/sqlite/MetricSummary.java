package dev.sluice.sqlite;

import java.util.Objects;

/**
 * The samples of one metric in a time range, summarised by {@link LogStore#metricSummary}. Percentiles use the
 * nearest-rank method: the {@code p}-th percentile is the smallest sample with at least {@code p} % of the samples at
 * or below it, so it is always one of the samples (for the values 1 to 100, p90 is 90). When the range holds no
 * sample, {@code count} is 0 and every other value is {@link Double#NaN}.
 *
 * @param name the metric's name
 * @param count how many samples the range holds
 * @param min the smallest sample
 * @param max the largest sample
 * @param avg the arithmetic mean
 * @param p50 the median (nearest rank)
 * @param p90 the 90th percentile (nearest rank)
 * @param p95 the 95th percentile (nearest rank)
 * @param p99 the 99th percentile (nearest rank)
 */
public record MetricSummary(
        String name, long count, double min, double max, double avg, double p50, double p90, double p95, double p99) {

    /** Checks the name and the count. */
    public MetricSummary {
        Objects.requireNonNull(name, "name");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
    }

    /** The summary of a range without samples: count 0, every value NaN. */
    static MetricSummary empty(String name) {
        return new MetricSummary(
                name, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Whether the range held no sample. */
    public boolean isEmpty() {
        return count == 0;
    }
}
