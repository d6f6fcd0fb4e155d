package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.List;

/**
 * One delivered message and what decoding made of it: its events, or why it is invalid.
 *
 * @param queue the queue it came from
 * @param envelope its delivery tag, exchange and routing key
 * @param properties its properties, the message id among them
 * @param body its body, kept to dead-letter it unchanged
 * @param events its events; empty if invalid
 * @param failure why it is invalid; null if valid
 */
record Incoming(
        String queue,
        Envelope envelope,
        AMQP.BasicProperties properties,
        byte[] body,
        List<ILoggingEvent> events,
        InvalidMessageException failure) {

    long deliveryTag() {
        return envelope.getDeliveryTag();
    }

    String messageId() {
        return properties.getMessageId();
    }
}
