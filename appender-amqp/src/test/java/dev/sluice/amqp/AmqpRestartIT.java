package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import com.rabbitmq.client.Connection;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A private broker stopped, or killed, while the appender publishes: the events logged during the outage wait in the
 * appender's queue up to its capacity and are delivered once the broker is back; the overflow is counted exactly; a
 * real consumer then finds every delivered event, any duplicate under the same message id.
 */
class AmqpRestartIT {

    private static final int QUEUE_SIZE = 10_000;
    private static final int OVERFLOW = 500;
    private static final String SETTINGS = "<queueSize>" + QUEUE_SIZE + "</queueSize>"
            + "<heartbeat>2 seconds</heartbeat><connectionTimeout>1 seconds</connectionTimeout>"
            + "<confirmTimeout>5 seconds</confirmTimeout><retryInitialDelay>50 milliseconds</retryInitialDelay>"
            + "<retryMaxDelay>500 milliseconds</retryMaxDelay><shutdownGracePeriod>2 seconds</shutdownGracePeriod>";

    private static RabbitMqServer broker;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private String service;

    @BeforeAll
    static void startBroker() {
        broker = RabbitMqServer.startPrivate();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void name() {
        service = AmqpTestSupport.uniqueService("restart");
    }

    @AfterEach
    void cleanUp() throws Exception {
        logback.close();
        if (!broker.answers()) {
            broker.start();
        }
        try (Connection connection = AmqpTestSupport.connect(broker)) {
            AmqpTestSupport.deleteQueues(connection, service);
        }
    }

    @Test
    void brokerStoppedMidStream() throws Exception {
        outage("stop", broker::stop);
    }

    @Test
    void brokerKilledMidStream() throws Exception {
        outage("kill", broker::kill);
    }

    private void outage(String how, Runnable down) throws Exception {
        AmqpAppender appender = AmqpTestSupport.configure(logback, broker.uri(), service, SETTINGS);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.restart");

        int next = AmqpTestSupport.log(logger, 0, 9_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> stats.getDelivered() >= 500);
        down.run();
        long deliveredBefore = stats.getDelivered();
        // The worker now retries the batch in hand and takes nothing more from the queue: its room is exact.
        next = AmqpTestSupport.log(logger, next, 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getFailedAttempts() > 0);
        int room = stats.getQueueCapacity() - stats.getQueueDepth();
        int duringOutage = next;
        next = AmqpTestSupport.log(logger, next, room + OVERFLOW);
        assertThat(stats.getDroppedQueueFull()).isEqualTo(OVERFLOW);

        broker.start();
        AmqpTestSupport.awaitSettled(stats, Duration.ofSeconds(60));

        assertThat(stats.getAppended()).isEqualTo(next);
        assertThat(stats.getDropped()).isEqualTo(OVERFLOW);
        assertThat(stats.getDelivered()).isEqualTo(next - OVERFLOW);
        ReadBack read;
        try (Connection connection = AmqpTestSupport.connect(broker)) {
            read = ReadBack.of(AmqpTestSupport.consumeAll(connection, service + "_info_logs"));
        }
        Set<String> expected = AmqpTestSupport.events(0, next - OVERFLOW);
        assertThat(read.texts()).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
        System.out.println("AmqpRestartIT " + how + ": delivered before the outage " + deliveredBefore
                + ", logged during it " + (next - duringOutage + 100) + " into room " + room + "; "
                + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }
}
