package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.Channel;
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

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(() -> BROKER, logback, "unroutable");

    private String service;
    private String exchange;

    @BeforeEach
    void names() {
        service = queues.service();
        exchange = service + "-exchange";
    }

    @AfterEach
    void deleteExchange() throws Exception {
        try (Channel deleting = queues.reader().createChannel()) {
            deleting.exchangeDelete(exchange);
        }
    }

    @Test
    void aLevelWithoutQueueIsRejectedTheOthersDelivered() throws Exception {
        try (Channel admin = queues.reader().createChannel()) {
            admin.exchangeDeclare(exchange, "direct", true);
            admin.queueDeclare(queues.queue("info"), true, false, false, null);
            admin.queueBind(queues.queue("info"), exchange, service + ".info");
        }
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
        ReadBack read = ReadBack.of(AmqpTestSupport.consumeAll(queues.reader(), queues.queue("info")));
        assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(AmqpTestSupport.events(0, 20));
        System.out.println("AmqpUnroutableIT no route: " + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }

    @Test
    void aMissingExchangeIsRetriedWhileEventsWait() {
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                BROKER.uri(),
                service,
                // A window of one: a write returns only once its batch is published, and with no confirms ever
                // coming, no batch after the first fits, so after a failed attempt the worker takes nothing more.
                "<declare>false</declare><exchange>" + exchange + "</exchange><queueSize>50</queueSize>"
                        + "<confirmWindow>1</confirmWindow>"
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
        next = AmqpTestSupport.overflowWhileStuck(stats, logger, next, 7);

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
