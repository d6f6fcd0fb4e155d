package dev.sluice.amqp;

import com.rabbitmq.client.Connection;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: a service name no other test uses and a reader connection to the broker; after the test (and its own
 * {@code @AfterEach} methods), the appender is stopped and the service's queues deleted. Register it after the
 * {@link LogbackTestContext}.
 */
final class ServiceQueues implements BeforeEachCallback, AfterEachCallback {

    private final Supplier<RabbitMqServer> broker;
    private final LogbackTestContext logback;
    private final String label;
    private String service;
    private Connection reader;

    ServiceQueues(Supplier<RabbitMqServer> broker, LogbackTestContext logback, String label) {
        this.broker = broker;
        this.logback = logback;
        this.label = label;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        service = AmqpTestSupport.uniqueService(label);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        logback.close();
        try (Connection connection = reader()) {
            AmqpTestSupport.deleteQueues(connection, service);
        } finally {
            reader = null;
        }
    }

    String service() {
        return service;
    }

    /** The queue of a level of this test's service: {@code <service>_<level>_logs}. */
    String queue(String level) {
        return service + "_" + level + "_logs";
    }

    /** A connection to read and manage the broker with; opened again if the broker closed it. */
    Connection reader() {
        if (reader == null || !reader.isOpen()) {
            reader = AmqpTestSupport.connect(broker.get());
        }
        return reader;
    }
}
