package dev.sluice.amqp;

/** The body of a message. */
enum AmqpFormat {
    /** The canonical event JSON; with {@code eventsPerMessage} above 1, one per line ({@code application/x-ndjson}). */
    JSON,
    /** LogHive's {@code {service, level, message, information, timestamp}}, one event per message. */
    LOGHIVE
}
