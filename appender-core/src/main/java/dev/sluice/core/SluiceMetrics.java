package dev.sluice.core;

import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Records a metric sample through SLF4J: an INFO event carrying {@link #MARKER} and the key-values {@value #NAME},
 * {@value #VALUE} and {@value #UNIT}, plus any tags as further key-values. The SQLite appender stores such events in
 * its {@code metrics} table; every other appender sees an ordinary event with the message {@code metric
 * <name>=<value> <unit>}. The logger's level applies as for any INFO event, so a logger set to WARN records nothing.
 *
 * <pre>{@code
 * SluiceMetrics.record(log, "http.latency", 12.5, "ms");
 * SluiceMetrics.record(log, "queue.depth", depth, "items", Map.of("queue", "orders"));
 * }</pre>
 */
public final class SluiceMetrics {

    /** The marker that makes an event a metric sample: {@code SLUICE_METRIC}. */
    public static final Marker MARKER = MarkerFactory.getMarker("SLUICE_METRIC");

    /** The key-value that holds the metric's name. */
    public static final String NAME = "name";

    /** The key-value that holds the metric's value, a number. */
    public static final String VALUE = "value";

    /** The key-value that holds the metric's unit; optional. */
    public static final String UNIT = "unit";

    private SluiceMetrics() {}

    /** Records {@code value} of metric {@code name} in {@code unit} (may be null) at INFO. */
    public static void record(Logger logger, String name, double value, String unit) {
        record(logger, name, value, unit, Map.of());
    }

    /**
     * Records a sample with tags; each tag becomes a key-value, stored in the {@code tags} column as JSON. The sample's
     * own {@value #NAME}, {@value #VALUE} and {@value #UNIT} come first, and the first of each key is the one that
     * counts, so a tag with one of those names stays a tag.
     */
    public static void record(Logger logger, String name, double value, String unit, Map<String, ?> tags) {
        Objects.requireNonNull(name, "name");
        if (!logger.isInfoEnabled(MARKER)) {
            return;
        }
        LoggingEventBuilder event = logger.atInfo()
                .addMarker(MARKER)
                .addKeyValue(NAME, name)
                .addKeyValue(VALUE, value)
                .addKeyValue(UNIT, unit);
        tags.forEach(event::addKeyValue);
        if (unit == null) {
            event.log("metric {}={}", name, value);
        } else {
            event.log("metric {}={} {}", name, value, unit);
        }
    }
}
