package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.sluice.core.json.EventJsonEncoder;
import dev.sluice.core.json.EventJsonSettings;
import dev.sluice.testing.RabbitMqServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A plain amqp-client publisher and reader for the consumer's tests, and canonical bodies to publish. */
final class ConsumerTestSupport implements AutoCloseable {

    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

    final Connection connection;
    final Channel channel;

    ConsumerTestSupport(RabbitMqServer broker) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.uri());
        connection = factory.newConnection("sluice-consumer-test");
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    static String unique(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The canonical JSON of an event with this level and message, from the service. */
    static byte[] canonical(String service, Level level, String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLevel(level);
        event.setLoggerName("test.producer");
        event.setThreadName("main");
        event.setMessage(message);
        event.setTimeStamp(System.currentTimeMillis());
        event.setMDCPropertyMap(Map.of());
        return new EventJsonEncoder(EventJsonSettings.builder().service(service).build()).encode(event);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes to the queue through the default exchange, persistent, and waits for the broker's confirm. */
    void publish(String queue, String messageId, String contentType, byte[] body) throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(contentType)
                .deliveryMode(2)
                .messageId(messageId)
                .headers(Map.of("service", "test"))
                .build();
        channel.basicPublish("", queue, properties, body);
        channel.waitForConfirmsOrDie(10_000);
    }

    /** Takes every message now in the queue. */
    List<GetResponse> drain(String queue) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse m = channel.basicGet(queue, true); m != null; m = channel.basicGet(queue, true)) {
            messages.add(m);
        }
        return messages;
    }

    /** Messages ready in the queue (not delivered, or delivered and given back). */
    long ready(String queue) throws Exception {
        try (Channel probe = connection.createChannel()) {
            return probe.queueDeclarePassive(queue).getMessageCount();
        }
    }

    static List<String> messages(List<ILoggingEvent> events) {
        return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    void deleteQueues(String service, String failureQueue) {
        List<String> names = new ArrayList<>(List.of(failureQueue));
        for (String level : List.of("trace", "debug", "info", "warn", "warning", "error")) {
            names.add(service + "_" + level + "_logs");
        }
        for (String name : names) {
            try (Channel c = connection.createChannel()) {
                c.queueDelete(name);
            } catch (Exception e) {
                // not there
            }
        }
    }

    @Override
    public void close() throws java.io.IOException {
        connection.close();
    }
}
