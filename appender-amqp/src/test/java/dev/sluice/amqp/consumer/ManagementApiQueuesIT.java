package dev.sluice.amqp.consumer;

import static dev.sluice.amqp.consumer.ConsumerTestSupport.canonical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.RecordingSink;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "All services" against a private node with the management plugin: the consumer finds every service's level queues
 * through the HTTP API, and only those.
 */
class ManagementApiQueuesIT {

    private static RabbitMqServer broker;
    private static int managementPort;

    @BeforeAll
    static void startNodeWithManagement() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            managementPort = socket.getLocalPort();
        }
        broker = RabbitMqServer.startPrivate(directory -> {
            Files.writeString(directory.resolve("enabled_plugins"), "[rabbitmq_management].\n");
            return "management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = " + managementPort + "\n";
        });
    }

    @AfterAll
    static void stopNode() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void allServicesMeansEveryQueueNamedLikeALevelQueue() throws Exception {
        URI api = URI.create("http://127.0.0.1:" + managementPort + "/");
        List<String> expected = new ArrayList<>();
        try (ConsumerTestSupport amqp = new ConsumerTestSupport(broker)) {
            for (String service : List.of("orders", "billing_eu")) {
                for (String level : ConsumerTestSupport.LEVELS) {
                    String queue = service + "_" + level + "_logs";
                    amqp.channel.queueDeclare(
                            queue, true, false, false, AmqpWireFormat.queueArguments(604_800_000L, 1_000_000L));
                    expected.add(queue);
                    amqp.publish(queue, queue, AmqpWireFormat.JSON, canonical(service, Level.INFO, queue));
                }
            }
            amqp.channel.queueDeclare("unrelated", true, false, false, null);
            amqp.channel.queueDeclare("orders_loud_logs", true, false, false, null);
            amqp.publish("unrelated", "u", AmqpWireFormat.JSON, canonical("x", Level.INFO, "not for us"));
            // The plugin may answer a moment after the AMQP listener.
            await().atMost(60, TimeUnit.SECONDS)
                    .ignoreExceptions()
                    .until(() -> ManagementApiQueues.list(
                                            api,
                                            "/",
                                            "guest",
                                            "guest",
                                            ManagementApiQueues.logQueuePattern(
                                                    "{service}_{level}_logs", ConsumerTestSupport.LEVELS))
                                    .size()
                            == 10);

            RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
            try (AmqpLogConsumer consumer = AmqpLogConsumer.builder()
                    .uri(broker.uri())
                    .allServices(api)
                    .maxBatchDelay(Duration.ofMillis(100))
                    .sink(sink)
                    .build()) {
                consumer.start();
                assertThat(consumer.getQueues()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(ConsumerTestSupport.messages(sink.awaitCount(10)))
                        .containsExactlyInAnyOrderElementsOf(expected);
                await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 10);
            }
            assertThat(amqp.ready("unrelated")).isEqualTo(1);
        }
    }
}
