package dev.sluice.amqp;

import com.rabbitmq.client.AMQP;

/**
 * One message to publish: its routing key, properties (with the stable message id) and body, and the positions in
 * the batch of the events it carries (one, or several in batched mode).
 */
record OutgoingMessage(String routingKey, AMQP.BasicProperties properties, byte[] body, int[] events) {

    String messageId() {
        return properties.getMessageId();
    }
}
