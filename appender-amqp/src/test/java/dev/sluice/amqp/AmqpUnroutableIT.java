package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code declare=false} the topology is someone else's: a level no queue is bound for is returned by the broker
 * (NO_ROUTE) and its events are rejected, the others delivered; a missing exchange makes the broker close the
 * channel (404), which is retried while the events wait in the queue.
 */
class AmqpUnroutableIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private Connection admin;
    private Channel channel;
    private String service;
    private String exchange;

    @BeforeEach
    void connect() throws Exception {
        admin = AmqpTestSupport.connect(BROKER);
        channel = admin.createChannel();
        service = AmqpTestSupport.uniqueService("unroutable");
        exchange = service + "-exchange";
    }

    @AfterEach
    void cleanUp() throws Exception {
        logback.close();
        AmqpTestSupport.deleteQueues(admin, service);
        try (Channel deleting = admin.createChannel()) {
            deleting.exchangeDelete(exchange);
        }
        admin.close();
    }

    @Test
    void aLevelWithoutQueueIsRejectedTheOthersDelivered() throws Exception {
        channel.exchangeDeclare(exchange, "direct", true);
        channel.queueDeclare(service + "_info_logs", true, false, false, null);
        channel.queueBind(service + "_info_logs", exchange, service + ".info");
        AmqpAppender appender = AmqpTestSupport.configure(
                logback, BROKER.uri(), service, "<declare>false</declare><exchange>" + exchange + "</exchange>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.unroutable");
        for (int i = 0; i < 20; i++) {
            logger.info("event {}", i);
            logger.warn("warning {}", i);
        }
        AmqpTestSupport.awaitSettled(stats, Duration.ofSeconds(30));

        assertThat(stats.getDelivered()).isEqualTo(20);
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(20);
        assertThat(stats.getDropped()).isEqualTo(20);
        AmqpTestSupport.awaitStatusWithCause(
                logback.context(), Status.ERROR, "NO_ROUTE.*routing key '" + service + ".warn'");
        ReadBack read = ReadBack.of(AmqpTestSupport.consumeAll(admin, service + "_info_logs"));
        assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(AmqpTestSupport.events(0, 20));
        System.out.println("AmqpUnroutableIT no route: " + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }

    @Test
    void aMissingExchangeIsRetriedWhileEventsWait() {
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                BROKER.uri(),
                service,
                "<declare>false</declare><exchange>" + exchange + "</exchange><queueSize>50</queueSize>"
                        + "<confirmTimeout>2 seconds</confirmTimeout><retryInitialDelay>50 milliseconds</retryInitialDelay>"
                        + "<retryMaxDelay>200 milliseconds</retryMaxDelay>"
                        + "<shutdownGracePeriod>1 seconds</shutdownGracePeriod>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.missing");
        int next = AmqpTestSupport.log(logger, 0, 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getRetries() >= 2);
        AmqpTestSupport.awaitStatusWithCause(
                logback.context(),
                Status.WARN,
                "the channel was closed: 404 NOT_FOUND - no exchange '" + exchange
                        + "'.*declare is false, so the exchange '" + exchange + "' must exist");
        // The worker retries the batch in hand and takes nothing more: the queue's room is exact, the rest dropped.
        int room = stats.getQueueCapacity() - stats.getQueueDepth();
        next = AmqpTestSupport.log(logger, next, room + 7);
        assertThat(stats.getDroppedQueueFull()).isEqualTo(7);

        logback.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stats.getAppended() == stats.getDelivered() + stats.getDropped());
        assertThat(stats.getAppended()).isEqualTo(next);
        assertThat(stats.getDelivered()).isZero();
        assertThat(stats.getDroppedShutdown())
                .as("held by the worker and queued at stop")
                .isEqualTo(next - 7);
        assertThat(stats.getDropped()).isEqualTo(next);
        System.out.println("AmqpUnroutableIT missing exchange: " + AmqpTestSupport.counters(stats));
        assertThat(stats.getFailedAttempts()).isGreaterThanOrEqualTo(2);
    }
}
