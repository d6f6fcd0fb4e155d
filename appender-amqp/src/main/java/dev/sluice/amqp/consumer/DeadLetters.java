package dev.sluice.amqp.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Copies invalid messages to the failure queue, through the default exchange, persistent, with the original body,
 * properties and headers plus why and where from; then waits for the broker's confirms, so the caller may ack the
 * originals: a message leaves its queue only once its copy is safe.
 */
final class DeadLetters {

    /** The header naming the exchange the message was published to: {@value}. */
    static final String EXCHANGE_HEADER = "x-sluice-original-exchange";
    /** The header naming the message's routing key: {@value}. */
    static final String ROUTING_KEY_HEADER = "x-sluice-original-routing-key";
    /** The header naming the queue the message was consumed from: {@value}. */
    static final String QUEUE_HEADER = "x-sluice-original-queue";

    private final String failureQueue;
    private final long confirmTimeoutMillis;

    DeadLetters(String failureQueue, long confirmTimeoutMillis) {
        this.failureQueue = failureQueue;
        this.confirmTimeoutMillis = confirmTimeoutMillis;
    }

    /** Publishes the copy of one message; {@link #confirm(Channel)} waits for it. */
    void publish(Channel channel, Incoming message, InvalidMessageException failure) throws IOException {
        AMQP.BasicProperties original = message.properties();
        Map<String, Object> headers = new HashMap<>();
        if (original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        String detail = failure.getMessage() == null ? "" : failure.getMessage();
        headers.put(
                FailureReason.HEADER,
                failure.reason().code() + ": " + (detail.length() > 1024 ? detail.substring(0, 1024) + "..." : detail));
        headers.put(EXCHANGE_HEADER, message.envelope().getExchange());
        headers.put(ROUTING_KEY_HEADER, message.envelope().getRoutingKey());
        headers.put(QUEUE_HEADER, message.queue());
        AMQP.BasicProperties copy = original.builder()
                .headers(headers)
                .deliveryMode(2)
                .expiration(null)
                .build();
        channel.basicPublish("", failureQueue, false, copy, message.body());
    }

    /** Waits until the broker has every copy published on the channel; throws if it refused or timed out. */
    void confirm(Channel channel) throws IOException, InterruptedException, TimeoutException {
        channel.waitForConfirmsOrDie(confirmTimeoutMillis);
    }
}
