package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** An AMQP appender named AMQP on the root logger of a test's context, and a real client to read what it sent. */
final class AmqpTestSupport {

    static final EventJsonDecoder DECODER = new EventJsonDecoder();
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

    private AmqpTestSupport() {}

    /** A service name no other test uses, so its queues are its own. */
    static String uniqueService(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code settings} are more elements of the appender, such as {@code <queueSize>100</queueSize>}. */
    static AmqpAppender configure(LogbackTestContext logback, String uri, String service, String settings) {
        logback.configure("<configuration>"
                + "<appender name='AMQP' class='dev.sluice.amqp.AmqpAppender'>"
                + "<uri>" + uri + "</uri><service>" + service + "</service><jmx>false</jmx>" + settings
                + "</appender><root level='TRACE'><appender-ref ref='AMQP'/></root></configuration>");
        return (AmqpAppender) logback.context().getLogger("ROOT").getAppender("AMQP");
    }

    static Connection connect(RabbitMqServer broker) {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(broker.uri());
            return factory.newConnection("sluice-test-reader");
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + broker, e);
        }
    }

    /** The broker's URI with another host and port: a fault proxy's in front of it. */
    static String uriVia(RabbitMqServer broker, String host, int port) {
        return "amqp://" + encode(broker.username()) + ":" + encode(broker.password()) + "@" + host + ":" + port + "/"
                + encode(broker.virtualHost());
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }

    /** Logs {@code count} INFO events numbered from {@code first} ("event <n>"); returns the next number. */
    static int log(Logger logger, int first, int count) {
        for (int i = first; i < first + count; i++) {
            logger.info("event {}", i);
        }
        return first + count;
    }

    /** The messages of {@link #log}: "event <first>" up to, not including, "event <end>". */
    static Set<String> events(int first, int end) {
        return IntStream.range(first, end).mapToObj(i -> "event " + i).collect(Collectors.toSet());
    }

    /**
     * Once the worker has failed an attempt it retries the batch in hand and takes nothing more from the queue, so
     * the queue's room is exact: logs that many events and {@code overflow} more, checks that exactly the overflow
     * was dropped (queue_full) while the logging thread went on, and returns the next event number.
     */
    static int overflowWhileStuck(AppenderStatsMXBean stats, Logger logger, int next, int overflow) {
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getFailedAttempts() > 0);
        long droppedBefore = stats.getDroppedQueueFull();
        int room = stats.getQueueCapacity() - stats.getQueueDepth();
        int end = log(logger, next, room + overflow);
        assertThat(stats.getDroppedQueueFull() - droppedBefore)
                .as("queue_full drops")
                .isEqualTo(overflow);
        return end;
    }

    /** Waits until every appended event is counted once, as delivered or dropped, and the queue is empty. */
    static void awaitSettled(AppenderStatsMXBean stats, Duration atMost) {
        await().atMost(atMost)
                .until(() ->
                        stats.getQueueDepth() == 0 && stats.getAppended() == stats.getDelivered() + stats.getDropped());
    }

    /**
     * Waits until every event is counted, checks that of the {@code logged} events numbered from 0 exactly the last
     * {@code overflow} were dropped, and reads the info queue back: every other event, each under one message id.
     */
    static ReadBack awaitAllButOverflow(AppenderStatsMXBean stats, ServiceQueues queues, int logged, int overflow)
            throws IOException {
        awaitSettled(stats, Duration.ofSeconds(60));
        assertThat(stats.getAppended()).isEqualTo(logged);
        assertThat(stats.getDropped()).isEqualTo(overflow);
        assertThat(stats.getDelivered()).isEqualTo(logged - overflow);
        ReadBack read = ReadBack.of(consumeAll(queues.reader(), queues.queue("info")));
        assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(events(0, logged - overflow));
        return read;
    }

    /** The counters, one line, for the test report. */
    static String counters(AppenderStatsMXBean stats) {
        return "appended=" + stats.getAppended() + " delivered=" + stats.getDelivered() + " dropped="
                + stats.getDropped() + " (queue_full=" + stats.getDroppedQueueFull() + ", shutdown="
                + stats.getDroppedShutdown() + ", rejected_by_sink=" + stats.getDroppedRejectedBySink()
                + ") failedAttempts=" + stats.getFailedAttempts() + " retries=" + stats.getRetries() + " batches="
                + stats.getBatches();
    }

    /**
     * Takes every message the queue holds now with a real consumer (acknowledged), in order: for queues too long
     * for one basic.get at a time.
     */
    static List<Message> consumeAll(Connection connection, String queue) throws IOException {
        Channel channel = connection.createChannel();
        try {
            long expected = channel.queueDeclarePassive(queue).getMessageCount();
            ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
            channel.basicQos(1000);
            String tag = channel.basicConsume(
                    queue,
                    false,
                    (consumerTag, delivery) -> {
                        received.add(new Message(delivery.getProperties(), delivery.getBody()));
                        channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                    },
                    consumerTag -> {});
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= expected);
            channel.basicCancel(tag);
            return new ArrayList<>(received);
        } finally {
            try {
                channel.close();
            } catch (Exception e) {
                // closed already
            }
        }
    }

    /** One message as a consumer got it. */
    record Message(AMQP.BasicProperties properties, byte[] body) {

        static Message of(GetResponse response) {
            return new Message(response.getProps(), response.getBody());
        }

        String id() {
            return properties.getMessageId();
        }

        /** The events it carries: one, or one per NDJSON line in batched mode. */
        List<DecodedLoggingEvent> events() {
            if (!MessageBuilder.NDJSON.equals(properties.getContentType())) {
                return List.of(DECODER.decode(body));
            }
            List<DecodedLoggingEvent> events = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < body.length; i++) {
                if (body[i] == '\n') {
                    events.add(DECODER.decode(Arrays.copyOfRange(body, start, i)));
                    start = i + 1;
                }
            }
            assertThat(start).as("an NDJSON body ends with a newline").isEqualTo(body.length);
            return events;
        }
    }

    /**
     * What a consumer that drops duplicates by message id reads: each id once. A duplicate must carry the same body
     * as the first message with its id, and no event may arrive under two ids.
     */
    record ReadBack(int messages, int duplicates, List<DecodedLoggingEvent> events) {

        static ReadBack of(List<Message> messages) {
            Map<String, byte[]> byId = new HashMap<>();
            List<DecodedLoggingEvent> events = new ArrayList<>();
            int duplicates = 0;
            for (Message message : messages) {
                assertThat(message.id()).as("message id").isNotBlank();
                byte[] first = byId.putIfAbsent(message.id(), message.body());
                if (first != null) {
                    assertThat(message.body())
                            .as("the body of duplicate " + message.id())
                            .isEqualTo(first);
                    duplicates++;
                    continue;
                }
                events.addAll(message.events());
            }
            return new ReadBack(messages.size(), duplicates, events);
        }

        /** The formatted messages of the events, each once: fails if an event came under two message ids. */
        Set<String> texts() {
            Set<String> texts = new LinkedHashSet<>();
            for (DecodedLoggingEvent event : events) {
                assertThat(texts.add(event.getFormattedMessage()))
                        .as("'" + event.getFormattedMessage() + "' arrived under two message ids")
                        .isTrue();
            }
            return texts;
        }

        @Override
        public String toString() {
            return "messages=" + messages + " duplicates(by message id)=" + duplicates + " events=" + events.size();
        }
    }

    /**
     * Waits for a status of exactly {@code level} whose message or any cause's message matches {@code regex}: the
     * core reports a sink's failure as a status with the sink's exception as its throwable.
     */
    static void awaitStatusWithCause(Context context, int level, String regex) {
        Pattern pattern = Pattern.compile(regex);
        try {
            await().atMost(Duration.ofSeconds(StatusAssertions.DEFAULT_AWAIT_SECONDS))
                    .until(() -> context.getStatusManager().getCopyOfStatusList().stream()
                            .anyMatch(status -> status.getLevel() == level && matches(status, pattern)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "no " + StatusAssertions.levelName(level) + " status (or its cause) matching /" + regex + "/\n"
                            + StatusAssertions.describe(context),
                    e);
        }
    }

    private static boolean matches(Status status, Pattern pattern) {
        if (status.getMessage() != null && pattern.matcher(status.getMessage()).find()) {
            return true;
        }
        for (Throwable cause = status.getThrowable(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null
                    && pattern.matcher(cause.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }

    /** Takes every message now in the queue (acknowledged), in order. */
    static List<GetResponse> drain(Channel channel, String queue) {
        try {
            List<GetResponse> messages = new ArrayList<>();
            for (GetResponse message = channel.basicGet(queue, true);
                    message != null;
                    message = channel.basicGet(queue, true)) {
                messages.add(message);
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event a one-event message carries, decoded as any consumer would. */
    static DecodedLoggingEvent event(GetResponse message) {
        return DECODER.decode(message.getBody());
    }

    /** How many messages the queue holds now; -1 if it does not exist. */
    static long depth(Connection connection, String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Deletes the service's queues, whichever level names they use. */
    static void deleteQueues(Connection connection, String service) {
        for (String level : List.of("trace", "debug", "info", "warn", "warning", "error")) {
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(service + "_" + level + "_logs");
            } catch (Exception e) {
                // not there
            }
        }
    }
}
