package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.Connection;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A memory alarm on a private broker blocks the appender's connection: the application goes on logging, the
 * appender's queue absorbs and then counts its overflow, a warning names the broker's reason, and once the alarm
 * clears the queued events are delivered.
 */
class AmqpBlockedIT {

    private static RabbitMqServer broker;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

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

    @Test
    void memoryAlarmBlocksPublishingNotTheApplication() throws Exception {
        int overflow = 40;
        String service = AmqpTestSupport.uniqueService("blocked");
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                broker.uri(),
                service,
                "<queueSize>200</queueSize><batchSize>50</batchSize><confirmTimeout>1 seconds</confirmTimeout>"
                        + "<retryInitialDelay>50 milliseconds</retryInitialDelay>"
                        + "<retryMaxDelay>500 milliseconds</retryMaxDelay>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.blocked");
        int next = AmqpTestSupport.log(logger, 0, 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getDelivered() == 20);

        broker.rabbitmqctl("set_vm_memory_high_watermark", "absolute", "1");
        try {
            next = AmqpTestSupport.log(logger, next, 30);
            await().atMost(Duration.ofSeconds(30)).until(() -> stats.getFailedAttempts() > 0);
            int room = stats.getQueueCapacity() - stats.getQueueDepth();
            next = AmqpTestSupport.log(logger, next, room + overflow);
            assertThat(stats.getDroppedQueueFull()).isEqualTo(overflow);
            assertThat(stats.getDelivered()).isEqualTo(20);
            AmqpTestSupport.awaitStatusWithCause(
                    logback.context(), Status.WARN, "blocked the connection.*low on memory");
        } finally {
            broker.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        }
        AmqpTestSupport.awaitSettled(stats, Duration.ofSeconds(60));

        assertThat(stats.getAppended()).isEqualTo(next);
        assertThat(stats.getDropped()).isEqualTo(overflow);
        assertThat(stats.getDelivered()).isEqualTo(next - overflow);
        try (Connection connection = AmqpTestSupport.connect(broker)) {
            ReadBack read = ReadBack.of(AmqpTestSupport.consumeAll(connection, service + "_info_logs"));
            assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(AmqpTestSupport.events(0, next - overflow));
            System.out.println("AmqpBlockedIT: " + AmqpTestSupport.counters(stats) + "; read back: " + read);
            logback.close();
            AmqpTestSupport.deleteQueues(connection, service);
        }
    }
}
