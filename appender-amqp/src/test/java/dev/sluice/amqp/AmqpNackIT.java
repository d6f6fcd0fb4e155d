package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.amqp.AmqpTestSupport.Message;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queue that refuses what it cannot hold ({@code x-overflow=reject-publish}) NACKs the overflow: the appender
 * retries the NACKed messages with backoff, and once a consumer makes room every event arrives.
 */
class AmqpNackIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(() -> BROKER, logback, "nack");

    @Test
    void nackedMessagesAreRetriedUntilAConsumerMakesRoom() throws Exception {
        int total = 200;
        int maxLength = 5;
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                BROKER.uri(),
                queues.service(),
                "<overflow>reject-publish</overflow><maxLength>" + maxLength + "</maxLength>"
                        + "<retryInitialDelay>20 milliseconds</retryInitialDelay>"
                        + "<retryMaxDelay>200 milliseconds</retryMaxDelay>");
        AppenderStatsMXBean stats = appender.getStats();
        AmqpTestSupport.log(logback.logger("app.nack"), 0, total);
        String queue = queues.queue("info");
        Connection reader = queues.reader();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stats.getRetries() >= 3 && AmqpTestSupport.depth(reader, queue) == maxLength);
        assertThat(stats.getDelivered()).isLessThan(total);
        AmqpTestSupport.awaitStatusWithCause(logback.context(), Status.WARN, "NACK");

        List<Message> consumed = new CopyOnWriteArrayList<>();
        Channel consuming = reader.createChannel();
        consuming.basicConsume(
                queue,
                false,
                (tag, delivery) -> {
                    if (consuming.isOpen()) { // once closed, what is not acknowledged goes back to the queue
                        consuming.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                        consumed.add(new Message(delivery.getProperties(), delivery.getBody()));
                    }
                },
                tag -> {});
        AmqpTestSupport.awaitSettled(stats, Duration.ofSeconds(60));
        assertThat(stats.getDelivered()).isEqualTo(total);
        assertThat(stats.getDropped()).isZero();
        // Closing the consumer's channel puts back what it had not acknowledged; the rest is read here.
        consuming.close();
        try (Channel rest = reader.createChannel()) {
            AmqpTestSupport.drain(rest, queue).forEach(message -> consumed.add(Message.of(message)));
        }

        ReadBack read = ReadBack.of(consumed);
        assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(AmqpTestSupport.events(0, total));
        System.out.println("AmqpNackIT: " + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }
}
