package dev.sluice.amqp;

import dev.sluice.testing.RabbitMqServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A private RabbitMQ node for the tests of one class, which may stop, kill or block it; closed after them. */
final class PrivateBroker implements BeforeAllCallback, AfterAllCallback {

    private RabbitMqServer broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = RabbitMqServer.startPrivate();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    RabbitMqServer broker() {
        return broker;
    }
}
