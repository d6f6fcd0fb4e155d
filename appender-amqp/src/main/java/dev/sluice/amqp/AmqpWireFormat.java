package dev.sluice.amqp;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link AmqpAppender} puts on the wire, for the programs that read it (the consumer in
 * {@code dev.sluice.amqp.consumer}): content types, header names, level names in queue names, and the queue arguments
 * the appender declares its queues with.
 */
public final class AmqpWireFormat {

    /** The content type of a message carrying one event, canonical JSON or LogHive's body: {@value}. */
    public static final String JSON = MessageBuilder.JSON;

    /** The content type of a batched message, one canonical JSON event per line: {@value}. */
    public static final String NDJSON = MessageBuilder.NDJSON;

    /** The header of a batched message that says how many events it carries: {@value}. */
    public static final String EVENTS_HEADER = MessageBuilder.EVENTS_HEADER;

    private AmqpWireFormat() {}

    /**
     * The level names of a naming, lowest first, as they appear in routing keys and queue names: {@code LOGBACK}
     * ({@code trace debug info warn error}) or {@code PYTHON} ({@code debug info warning error}).
     *
     * @throws IllegalArgumentException for another naming
     */
    public static List<String> levelNames(String naming) {
        return levelNaming(naming).names();
    }

    private static LevelNaming levelNaming(String naming) {
        try {
            return LevelNaming.valueOf(naming.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("level naming must be LOGBACK or PYTHON, was '" + naming + "'");
        }
    }

    /** The arguments the appender declares a queue with, for TTL and length cap; 0 leaves one out. */
    public static Map<String, Object> queueArguments(long messageTtlMillis, long maxLength) {
        return AmqpTopology.queueArguments(messageTtlMillis, maxLength, null, null);
    }

    /**
     * The exchange, names and queue arguments the appender uses with these settings (a {@code direct} exchange, the
     * appender's default type), to find and declare its queues as it does.
     *
     * @param levelNames {@code LOGBACK} or {@code PYTHON}
     * @throws IllegalArgumentException for another naming
     */
    public static AmqpTopology topology(
            String exchange,
            String routingKeyPattern,
            String queueNamePattern,
            String levelNames,
            long messageTtlMillis,
            long maxLength) {
        return new AmqpTopology(
                exchange,
                AmqpAppender.DEFAULT_EXCHANGE_TYPE,
                routingKeyPattern,
                queueNamePattern,
                levelNaming(levelNames),
                queueArguments(messageTtlMillis, maxLength));
    }
}
