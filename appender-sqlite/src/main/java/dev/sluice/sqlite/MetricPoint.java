package dev.sluice.sqlite;

import java.time.Instant;
import java.util.Objects;

/**
 * One sample of the {@code metrics} table, as {@link LogStore#metrics(String, Instant, Instant, int)} returns it.
 *
 * @param timestamp when the sample was recorded, to the millisecond
 * @param name the metric's name
 * @param value the sample's value
 * @param unit the unit, or null
 * @param tags the tags as a JSON object, or null when there were none
 */
public record MetricPoint(Instant timestamp, String name, double value, String unit, String tags) {

    /** Checks the required fields. */
    public MetricPoint {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(name, "name");
    }
}
