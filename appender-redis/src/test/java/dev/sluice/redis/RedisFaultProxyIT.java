package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.FaultProxy;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.StatusAssertions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis appender behind a {@link FaultProxy}: connections cut in the middle of a pipeline, traffic swallowed
 * (a blackhole), and what the streams and a subscriber get back. The shared server is never harmed: only the
 * proxy's connections are.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisFaultProxyIT {

    private static final RedisServer REDIS = RedisServer.shared();

    /** Replies are awaited this long (short, so a blackhole fails a batch fast). */
    private static final String FAST_FAILING = "<commandTimeout>200 milliseconds</commandTimeout>"
            + "<connectTimeout>500 milliseconds</connectTimeout>"
            + "<retryInitialDelay>50 milliseconds</retryInitialDelay>"
            + "<retryMaxDelay>200 milliseconds</retryMaxDelay>"
            + "<maxLen>0</maxLen>";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String globalStream = "stream:" + prefix + ":global";
    private final FaultProxy proxy = FaultProxy.start(REDIS.host(), REDIS.port());

    @AfterEach
    void closeProxy() {
        logback.close();
        proxy.close();
    }

    private RedisAppender configure(String settings) {
        return TestAppenders.configure(
                logback, "redis://" + proxy.host() + ":" + proxy.port(), prefix, "<jmx>false</jmx>" + settings);
    }

    private static void log(Logger logger, String label, int count) {
        for (int i = 0; i < count; i++) {
            logger.info("{} {}", label, i);
        }
    }

    private static void awaitAtRest(AppenderStatsMXBean stats) {
        await().atMost(120, TimeUnit.SECONDS)
                .until(() -> stats.getDelivered() + stats.getDropped() == stats.getAppended());
    }

    @Test
    void aBlackholeNeverBlocksTheApplicationFailsBatchesByTimeoutAndDeliveryResumesAfterIt() {
        ClientThreads threads = ClientThreads.snapshot();
        int queueSize = 100;
        int batchSize = 10;
        RedisAppender appender = configure("<queueSize>" + queueSize + "</queueSize><batchSize>" + batchSize
                + "</batchSize><overflowPolicy>DROP</overflowPolicy>" + FAST_FAILING);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        log(logger, "before", 20);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 20);
        assertThat(stats.isConnected()).isTrue();

        proxy.blackhole(true);
        int logged = 1000;
        log(logger, "during", logged); // returns: the application never waits for Redis
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 3);
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "failed to write a batch of \\d+ events");
        assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(String.valueOf(status.getThrowable()))
                        .contains("no reply from redis://127.0.0.1:" + proxy.port() + "/0 within 200 ms"));
        await("the connected gauge to see the dead connection")
                .atMost(30, TimeUnit.SECONDS)
                .until(() -> !stats.isConnected());
        long queueFull = stats.getDroppedQueueFull();
        assertThat(stats.getDelivered()).isEqualTo(20);
        // The worker holds one batch and the queue the next events; the rest were dropped and counted at once.
        assertThat(queueFull).isBetween((long) logged - queueSize - batchSize, (long) logged - queueSize);
        assertThat(stats.getAppended()).isEqualTo(20 + logged);

        proxy.blackhole(false);
        awaitAtRest(stats);

        assertThat(stats.getDelivered()).isEqualTo(20 + logged - queueFull);
        assertThat(stats.getDropped()).isEqualTo(queueFull);
        assertThat(stats.getRetries()).isEqualTo(stats.getFailedAttempts());
        await().atMost(30, TimeUnit.SECONDS).until(stats::isConnected);
        // Nothing the blackhole swallowed reached Redis, so nothing may arrive twice.
        ReadBack stream = ReadBack.stream(REDIS, globalStream);
        stream.assertExactlyOnceInOrder("before", 20);
        stream.assertOnceInOrder("during", (int) (logged - queueFull));
        assertThat(stream.size()).isEqualTo(stats.getDelivered());
        StatusAssertions.assertStatus(logback.context(), Status.INFO, "managed to deliver a batch of \\d+ events");
        StatusAssertions.assertNoErrors(logback.context());
        System.out.printf(
                "RedisFaultProxyIT blackhole: %s; stream entries=%d; connections=%d%n",
                stats, stream.size(), proxy.acceptedCount());

        logback.context().stop();
        threads.awaitAllEnded();
    }

    @Test
    void stoppingDuringABlackholeCountsEveryEventAndLeavesNoThreadBehind() {
        ClientThreads threads = ClientThreads.snapshot();
        RedisAppender appender = configure("<queueSize>100</queueSize><batchSize>10</batchSize>"
                + "<shutdownGracePeriod>500 milliseconds</shutdownGracePeriod>" + FAST_FAILING);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        log(logger, "before", 10);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 10);

        proxy.blackhole(true);
        log(logger, "during", 500);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 1);
        logback.context().stop(); // returns: a dead destination never holds up shutdown for long

        awaitAtRest(stats);
        assertThat(stats.getDelivered()).isEqualTo(10);
        assertThat(stats.getDroppedQueueFull() + stats.getDroppedShutdown()).isEqualTo(500);
        assertThat(stats.getDroppedShutdown()).isBetween(100L, 110L);
        threads.awaitAllEnded();
        System.out.printf("RedisFaultProxyIT stop in blackhole: %s%n", stats);
    }
}
