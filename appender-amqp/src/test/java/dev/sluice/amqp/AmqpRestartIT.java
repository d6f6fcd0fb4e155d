package dev.sluice.amqp;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
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

    @RegisterExtension
    static final PrivateBroker PRIVATE = new PrivateBroker();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(PRIVATE::broker, logback, "restart");

    @AfterEach
    void brokerUp() {
        if (!PRIVATE.broker().answers()) {
            PRIVATE.broker().start();
        }
    }

    @Test
    void brokerStoppedMidStream() throws Exception {
        outage("stop", () -> PRIVATE.broker().stop());
    }

    @Test
    void brokerKilledMidStream() throws Exception {
        outage("kill", () -> PRIVATE.broker().kill());
    }

    private void outage(String how, Runnable down) throws Exception {
        AmqpAppender appender =
                AmqpTestSupport.configure(logback, PRIVATE.broker().uri(), queues.service(), SETTINGS);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.restart");

        int next = AmqpTestSupport.log(logger, 0, 9_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> stats.getDelivered() >= 500);
        down.run();
        long deliveredBefore = stats.getDelivered();
        int outageStart = next;
        next = AmqpTestSupport.log(logger, next, 100);
        next = AmqpTestSupport.overflowWhileStuck(stats, logger, next, OVERFLOW);

        PRIVATE.broker().start();
        ReadBack read = AmqpTestSupport.awaitAllButOverflow(stats, queues, next, OVERFLOW);
        System.out.println("AmqpRestartIT " + how + ": delivered before the outage " + deliveredBefore
                + ", logged during it " + (next - outageStart) + "; " + AmqpTestSupport.counters(stats)
                + "; read back: " + read);
    }
}
