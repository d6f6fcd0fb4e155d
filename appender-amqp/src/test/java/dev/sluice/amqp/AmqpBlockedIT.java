package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A memory alarm on a private broker blocks the appender's connection: the application goes on logging, the
 * appender's queue absorbs and then counts its overflow, a warning names the broker's reason, and once the alarm
 * clears the queued events are delivered. Stopping while blocked counts what is left.
 */
class AmqpBlockedIT {

    private static final String SETTINGS =
            "<queueSize>200</queueSize><batchSize>50</batchSize><confirmTimeout>1 seconds</confirmTimeout>"
                    + "<retryInitialDelay>50 milliseconds</retryInitialDelay>"
                    + "<retryMaxDelay>500 milliseconds</retryMaxDelay><shutdownGracePeriod>1 seconds</shutdownGracePeriod>";

    @RegisterExtension
    static final PrivateBroker PRIVATE = new PrivateBroker();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(PRIVATE::broker, logback, "blocked");

    private AppenderStatsMXBean stats;
    private Logger logger;

    @AfterEach
    void clearAlarm() {
        PRIVATE.broker().rabbitmqctl("set_vm_memory_high_watermark", "0.4");
    }

    @Test
    void memoryAlarmBlocksPublishingNotTheApplication() throws Exception {
        int overflow = 40;
        int next = blockAfterDelivering(20);
        next = AmqpTestSupport.log(logger, next, 30);
        next = AmqpTestSupport.overflowWhileStuck(stats, logger, next, overflow);
        assertThat(stats.getDelivered()).isEqualTo(20);
        AmqpTestSupport.awaitStatusWithCause(logback.context(), Status.WARN, "blocked the connection.*low on memory");
        StatusAssertions.assertStatus(
                logback.context(),
                Status.WARN,
                "Appender \\[AMQP\\]: amqp://guest@127.0.0.1:\\d+/%2F has blocked the connection \\(low on memory\\)");

        clearAlarm();
        ReadBack read = AmqpTestSupport.awaitAllButOverflow(stats, queues, next, overflow);
        StatusAssertions.awaitStatus(logback.context(), Status.INFO, "\\[AMQP\\]: .* has unblocked the connection");
        System.out.println("AmqpBlockedIT: " + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }

    @Test
    void stopWhileBlockedCountsWhatIsLeft() {
        int next = blockAfterDelivering(20);
        next = AmqpTestSupport.log(logger, next, 30);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getFailedAttempts() > 0);
        logback.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stats.getAppended() == stats.getDelivered() + stats.getDropped());
        assertThat(stats.getAppended()).isEqualTo(next);
        assertThat(stats.getDelivered()).isEqualTo(20);
        assertThat(stats.getDroppedShutdown()).isEqualTo(30);
        assertThat(stats.isConnected()).isFalse();

        clearAlarm();
        long stored = AmqpTestSupport.depth(queues.reader(), queues.queue("info"));
        // Messages the broker took before it blocked may be stored though unconfirmed: at least once.
        assertThat(stored).isBetween(stats.getDelivered(), (long) next);
        System.out.println(
                "AmqpBlockedIT stop while blocked: " + AmqpTestSupport.counters(stats) + "; " + stored + " stored");
    }

    /** Starts the appender, delivers {@code count} events, then raises a memory alarm; returns the next number. */
    private int blockAfterDelivering(int count) {
        AmqpAppender appender =
                AmqpTestSupport.configure(logback, PRIVATE.broker().uri(), queues.service(), SETTINGS);
        stats = appender.getStats();
        logger = logback.logger("app.blocked");
        int next = AmqpTestSupport.log(logger, 0, count);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getDelivered() == count);
        PRIVATE.broker().rabbitmqctl("set_vm_memory_high_watermark", "absolute", "1");
        return next;
    }
}
