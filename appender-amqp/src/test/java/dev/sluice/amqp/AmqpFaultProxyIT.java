package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.FaultProxy;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The appender talks to the shared broker through a fault proxy: connections cut mid-stream lose nothing (a
 * duplicate only under its message id); a blackholed network never blocks the logging thread, the overflow is
 * counted, and what was queued arrives once the traffic flows again.
 */
class AmqpFaultProxyIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();
    private static final String FAST_FAILURE =
            "<heartbeat>1 seconds</heartbeat><confirmTimeout>2 seconds</confirmTimeout>"
                    + "<connectionTimeout>1 seconds</connectionTimeout><handshakeTimeout>1 seconds</handshakeTimeout>"
                    + "<retryInitialDelay>50 milliseconds</retryInitialDelay><retryMaxDelay>500 milliseconds</retryMaxDelay>"
                    + "<shutdownGracePeriod>2 seconds</shutdownGracePeriod>";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(() -> BROKER, logback, "proxy");

    private FaultProxy proxy;

    @BeforeEach
    void start() {
        proxy = FaultProxy.start(BROKER.host(), BROKER.port());
    }

    @AfterEach
    void stop() {
        logback.close();
        proxy.close();
    }

    @Test
    void connectionsCutMidStreamLoseNothing() throws Exception {
        cutMidStream("", "cuts");
    }

    /** Three channels publish in parallel: each cut loses the confirms of three windows, and still no event. */
    @Test
    void connectionsCutMidStreamLoseNothingOverThreeChannels() throws Exception {
        cutMidStream("<channels>3</channels>", "cuts, 3 channels");
    }

    private void cutMidStream(String settings, String label) throws Exception {
        int total = 30_000;
        int cuts = 5;
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                AmqpTestSupport.uriVia(BROKER, proxy.host(), proxy.port()),
                queues.service(),
                "<queueSize>" + total + "</queueSize>" + FAST_FAILURE + settings);
        AppenderStatsMXBean stats = appender.getStats();
        AmqpTestSupport.log(logback.logger("app.cut"), 0, total);
        for (int cut = 1; cut <= cuts; cut++) {
            long threshold = (long) cut * total / (cuts + 1);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> stats.getDelivered() >= threshold);
            proxy.cutAll();
        }
        ReadBack read = AmqpTestSupport.awaitAllButOverflow(stats, queues, total, 0);
        assertThat(proxy.acceptedCount()).as("connections through the proxy").isGreaterThan(cuts);
        System.out.println("AmqpFaultProxyIT " + label + ": " + cuts + " cuts, " + proxy.acceptedCount()
                + " connections; " + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }

    @Test
    void blackholeNeverBlocksTheApplication() throws Exception {
        int overflow = 300;
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                AmqpTestSupport.uriVia(BROKER, proxy.host(), proxy.port()),
                queues.service(),
                "<queueSize>100</queueSize><batchSize>50</batchSize>" + FAST_FAILURE);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app.blackhole");
        int next = AmqpTestSupport.log(logger, 0, 50);
        await().atMost(Duration.ofSeconds(30)).until(() -> stats.getDelivered() == 50);

        proxy.blackhole(true);
        next = AmqpTestSupport.log(logger, next, 50);
        next = AmqpTestSupport.overflowWhileStuck(stats, logger, next, overflow);
        assertThat(stats.getDelivered()).isEqualTo(50);

        proxy.blackhole(false);
        ReadBack read = AmqpTestSupport.awaitAllButOverflow(stats, queues, next, overflow);
        System.out.println("AmqpFaultProxyIT blackhole: " + proxy.acceptedCount() + " connections; "
                + AmqpTestSupport.counters(stats) + "; read back: " + read);
    }
}
