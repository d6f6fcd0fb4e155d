package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.core.RetryBackoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of the pool: its own connection and channel, subscribed to every queue with the channel's prefetch. It
 * takes deliveries in order, up to {@code batchSize} events or {@code maxBatchDelay}, decodes them, skips duplicates,
 * stores the rest through the shared {@link SinkWriter}, copies the invalid and refused ones to the failure queue with
 * confirms, and only then acks everything up to the batch's last delivery tag with one {@code multiple} ack. Any
 * connection or channel failure drops the batch in hand unacked (the broker delivers it again) and reconnects with
 * backoff.
 */
final class ConsumerWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerWorker.class);
    private static final long POLL_MILLIS = 100;

    private record Raw(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {}

    private final ConsumerSettings settings;
    private final ConnectionFactory factory;
    private final String name;
    private final MessageDecoder decoder;
    private final SinkWriter sink;
    private final DeadLetters deadLetters;
    private final DedupWindow dedup;
    private final ConsumerCounters counters;
    private final CountDownLatch stopping;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final RetryBackoff reconnectBackoff;
    private volatile Connection connection;

    ConsumerWorker(
            ConsumerSettings settings,
            ConnectionFactory factory,
            String name,
            MessageDecoder decoder,
            SinkWriter sink,
            DedupWindow dedup,
            ConsumerCounters counters,
            CountDownLatch stopping) {
        this.settings = settings;
        this.factory = factory;
        this.name = name;
        this.decoder = decoder;
        this.sink = sink;
        this.deadLetters = new DeadLetters(
                settings.failureQueue(), settings.confirmTimeout().toMillis());
        this.dedup = dedup;
        this.counters = counters;
        this.stopping = stopping;
        // 250 ms, doubling up to maxBackoff; no jitter: each worker has its own connection anyway.
        this.reconnectBackoff = new RetryBackoff(Duration.ofMillis(250), settings.maxBackoff(), 0);
    }

    /** Counts down once the worker consumes from every queue for the first time. */
    CountDownLatch subscribed() {
        return subscribed;
    }

    /** Closes the connection at once, for a stop whose grace period ran out: unacked messages go back to the queues. */
    void abort() {
        Connection current = connection;
        if (current != null) {
            current.abort(1000);
        }
    }

    @Override
    public void run() {
        int failures = 0;
        while (stopping.getCount() > 0) {
            try {
                consume();
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SinkWriter.Stopped e) {
                return;
            } catch (Exception | Error e) {
                failures++;
                if (stopping.getCount() > 0) {
                    LOG.warn(
                            "Worker {} lost its connection or channel; the messages in hand go back to the queues"
                                    + " and it reconnects.",
                            name,
                            e);
                }
            } finally {
                abort();
            }
            if (failures > 0 && waitBeforeReconnect(failures)) {
                return;
            }
        }
    }

    private boolean waitBeforeReconnect(int failures) {
        try {
            return stopping.await(reconnectBackoff.delayNanos(failures), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void consume() throws Exception {
        BlockingQueue<Raw> inbox = new LinkedBlockingQueue<>();
        connection = factory.newConnection(name);
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        // Per consumer, not per channel: quorum queues do not support a channel-wide (global) prefetch.
        channel.basicQos(settings.prefetch(), false);
        List<String> tags = new ArrayList<>();
        for (String queue : settings.queues()) {
            tags.add(channel.basicConsume(queue, false, inboxConsumer(channel, queue, inbox)));
        }
        subscribed.countDown();
        while (stopping.getCount() > 0) {
            List<Incoming> batch = collect(inbox, channel);
            if (!batch.isEmpty()) {
                process(channel, batch);
            }
        }
        for (String tag : tags) {
            channel.basicCancel(tag);
        }
        connection.close();
    }

    private DefaultConsumer inboxConsumer(Channel channel, String queue, BlockingQueue<Raw> inbox) {
        return new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                    String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                counters.consumed.increment();
                inbox.add(new Raw(queue, envelope, properties, body));
            }
        };
    }

    /** Up to batchSize events, waiting at most maxBatchDelay after the first delivery; empty if none came. */
    private List<Incoming> collect(BlockingQueue<Raw> inbox, Channel channel) throws InterruptedException {
        Raw first = inbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
            if (!channel.isOpen()) {
                throw new ShutdownSignalException(false, false, null, channel);
            }
            return List.of();
        }
        List<Incoming> batch = new ArrayList<>();
        int events = add(batch, first);
        long deadline = System.nanoTime() + settings.maxBatchDelay().toNanos();
        while (events < settings.batchSize()) {
            Raw next = inbox.poll();
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping.getCount() == 0) {
                    break;
                }
                next = inbox.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
            }
            events += add(batch, next);
        }
        return batch;
    }

    private int add(List<Incoming> batch, Raw raw) {
        try {
            List<ILoggingEvent> events = decoder.decode(raw.properties().getContentType(), raw.body());
            batch.add(new Incoming(raw.queue(), raw.envelope(), raw.properties(), raw.body(), events, null));
            return events.size();
        } catch (InvalidMessageException e) {
            batch.add(new Incoming(raw.queue(), raw.envelope(), raw.properties(), raw.body(), List.of(), e));
            return 1;
        }
    }

    private void process(Channel channel, List<Incoming> batch) throws Exception {
        Map<Incoming, InvalidMessageException> failed = new LinkedHashMap<>();
        List<Incoming> toStore = new ArrayList<>();
        Set<String> idsInBatch = new HashSet<>();
        for (Incoming message : batch) {
            if (message.failure() != null) {
                failed.put(message, message.failure());
            } else if (message.messageId() != null
                    && (dedup.contains(message.messageId()) || !idsInBatch.add(message.messageId()))) {
                counters.duplicates.increment();
            } else {
                toStore.add(message);
            }
        }
        if (!toStore.isEmpty()) {
            Map<Incoming, InvalidMessageException> refused = sink.write(toStore).refused();
            for (Incoming message : toStore) {
                if (refused.containsKey(message)) {
                    failed.put(message, refused.get(message));
                } else {
                    dedup.add(message.messageId());
                    counters.storedMessages.increment();
                    counters.storedEvents.add(message.events().size());
                }
            }
        }
        if (!failed.isEmpty()) {
            for (Map.Entry<Incoming, InvalidMessageException> entry : failed.entrySet()) {
                deadLetters.publish(channel, entry.getKey(), entry.getValue());
            }
            deadLetters.confirm(channel);
            for (Map.Entry<Incoming, InvalidMessageException> entry : failed.entrySet()) {
                counters.countDeadLetter(entry.getValue().reason());
                // Said at the 1st, 2nd, 4th, ... dead letter, so a flood of bad messages cannot flood the log.
                if (Long.bitCount(counters.deadLetteredTotal()) == 1) {
                    LOG.warn(
                            "Moved message {} from {} to {} ({} so far): {}: {}",
                            entry.getKey().messageId(),
                            entry.getKey().queue(),
                            settings.failureQueue(),
                            counters.deadLetteredTotal(),
                            entry.getValue().reason().code(),
                            entry.getValue().getMessage());
                }
            }
        }
        channel.basicAck(batch.get(batch.size() - 1).deliveryTag(), true);
        counters.acked.add(batch.size());
    }
}
