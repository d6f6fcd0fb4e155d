package dev.sluice.bench.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The benchmark's own connection to the broker every contestant publishes to: it declares and deletes the queues of a
 * run and counts what they hold, so that every count is the broker's, never a client's.
 */
final class Broker implements AutoCloseable {

    /** The queue arguments of LogHive's topology, which the appender declares by default and the peers get too. */
    static final Map<String, Object> QUEUE_ARGUMENTS =
            Map.of("x-message-ttl", 604_800_000L, "x-max-length", 1_000_000L);

    /** How often a waiting run asks the broker for its queues' depth. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final String uri;
    private final Connection connection;
    private Channel channel;

    private Broker(String uri, Connection connection) throws IOException {
        this.uri = uri;
        this.connection = connection;
        this.channel = connection.createChannel();
    }

    static Broker connect(String uri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        return new Broker(uri, factory.newConnection("sluice-amqp-bench-admin"));
    }

    String uri() {
        return uri;
    }

    String version() {
        return String.valueOf(connection.getServerProperties().get("version"));
    }

    /** Declares a durable direct exchange, as the appender does (same arguments, so either may come first). */
    void declareExchange(String exchange) throws IOException {
        channel().exchangeDeclare(exchange, "direct", true);
    }

    /** Declares a durable queue with LogHive's arguments, bound to the routing key. */
    void declareQueue(String queue, String exchange, String routingKey) throws IOException {
        channel().queueDeclare(queue, true, false, false, QUEUE_ARGUMENTS);
        channel().queueBind(queue, exchange, routingKey);
    }

    /** Deletes the queues and what they hold; a queue that does not exist is fine. */
    void deleteQueues(List<String> queues) throws IOException {
        for (String queue : queues) {
            channel().queueDelete(queue);
        }
    }

    /** How many messages the queues hold together; a queue that does not exist holds none. */
    long depth(List<String> queues) throws IOException {
        long total = 0;
        for (String queue : queues) {
            try {
                total += channel().queueDeclarePassive(queue).getMessageCount();
            } catch (IOException e) {
                channel = null; // a missing queue closes the channel (404)
            }
        }
        return total;
    }

    /**
     * Takes every message out of the queues and counts the events: the {@code x-sluice-events} header of a batched
     * message, else 1.
     */
    Drained drain(List<String> queues) throws IOException {
        long messages = 0;
        long events = 0;
        long bodyBytes = 0;
        for (String queue : queues) {
            GetResponse response;
            while ((response = channel().basicGet(queue, true)) != null) {
                messages++;
                bodyBytes += response.getBody().length;
                AMQP.BasicProperties properties = response.getProps();
                Object count = properties.getHeaders() == null
                        ? null
                        : properties.getHeaders().get("x-sluice-events");
                events += count instanceof Number number ? number.longValue() : 1;
            }
        }
        return new Drained(messages, events, bodyBytes);
    }

    /** What {@link #drain} took: messages, the events in them and their body bytes. */
    record Drained(long messages, long events, long bodyBytes) {}

    /** The first message of a queue, left in it; null if it is empty. */
    byte[] peek(String queue) throws IOException {
        GetResponse response = channel().basicGet(queue, false);
        if (response == null) {
            return null;
        }
        channel().basicNack(response.getEnvelope().getDeliveryTag(), false, true);
        return response.getBody();
    }

    /**
     * Polls {@code count} until it reaches {@code target} or stops moving for {@code stallNanos}.
     *
     * @return the last count and the {@link System#nanoTime()} at which it was first seen
     */
    static Arrival awaitCount(CountSource count, long target, long stallNanos) throws Exception {
        long seen = count.getAsLong();
        long seenAt = System.nanoTime();
        while (seen < target) {
            LockSupport.parkNanos(POLL_NANOS);
            long now = count.getAsLong();
            long time = System.nanoTime();
            if (now != seen) {
                seen = now;
                seenAt = time;
            } else if (time - seenAt > stallNanos) {
                break;
            }
        }
        return new Arrival(seen, seenAt);
    }

    /** A count that may ask the broker. */
    @FunctionalInterface
    interface CountSource {
        long getAsLong() throws Exception;

        static CountSource of(LongSupplier supplier) {
            return supplier::getAsLong;
        }
    }

    /** A count, and when it was first seen. */
    record Arrival(long count, long nanoTime) {}

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = connection.createChannel();
        }
        return channel;
    }

    @Override
    public void close() throws IOException, TimeoutException {
        connection.close();
    }
}
