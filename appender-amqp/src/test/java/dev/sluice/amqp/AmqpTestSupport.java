package dev.sluice.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
