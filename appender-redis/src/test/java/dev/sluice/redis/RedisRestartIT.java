package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.StatusAssertions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Redis appender across a restart of its server: a private server, stopped or killed while the application
 * goes on logging, then started again on the same port. The private server keeps no data across the restart, so
 * the stream is read before the outage for what was sent before it, and after the restart for the rest.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisRestartIT {

    private static final int QUEUE_SIZE = 300;
    private static final int BATCH_SIZE = 50;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String globalStream = "stream:" + prefix + ":global";
    private final RedisServer redis = RedisServer.startPrivate();

    @AfterEach
    void stopServer() {
        logback.close();
        redis.close();
    }

    enum Outage {
        STOP,
        KILL
    }

    private static void log(Logger logger, String label, int count) {
        for (int i = 0; i < count; i++) {
            logger.info("{} {}", label, i);
        }
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void eventsLoggedWhileRedisIsDownArriveOnceAfterItsRestartUpToTheQueueCapacity(Outage outage) {
        ClientThreads threads = ClientThreads.snapshot();
        RedisAppender appender = TestAppenders.configure(
                logback,
                redis.uri(),
                prefix,
                "<jmx>false</jmx><queueSize>" + QUEUE_SIZE + "</queueSize><batchSize>" + BATCH_SIZE + "</batchSize>"
                        + "<maxLen>0</maxLen><commandTimeout>1 second</commandTimeout>"
                        + "<connectTimeout>500 milliseconds</connectTimeout>"
                        + "<retryInitialDelay>50 milliseconds</retryInitialDelay>"
                        + "<retryMaxDelay>500 milliseconds</retryMaxDelay>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        int before = 200;
        int during = 1000;
        int after = 200;
        log(logger, "before", before);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == before);
        ReadBack beforeOutage = ReadBack.stream(redis, globalStream);
        beforeOutage.assertExactlyOnceInOrder("before", before);
        assertThat(beforeOutage.size()).isEqualTo(before);

        if (outage == Outage.STOP) {
            redis.stop();
        } else {
            redis.kill();
        }
        log(logger, "during", during); // returns: the application never waits for Redis
        // Each failed attempt is a batch Lettuce would have buffered and replayed after the reconnect, had it not
        // rejected it: the exact count of the stream below proves it did not.
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 3);
        StatusAssertions.assertStatus(logback.context(), Status.WARN, "failed to write a batch of \\d+ events");
        assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(String.valueOf(status.getThrowable()))
                        .contains("Currently not connected. Commands are rejected."));
        assertThat(stats.isConnected()).isFalse();
        assertThat(stats.getDelivered()).isEqualTo(before);
        long queueFull = stats.getDroppedQueueFull();
        // The worker holds one batch, the queue the next events; the rest were dropped and counted at once.
        assertThat(queueFull).isBetween((long) during - QUEUE_SIZE - BATCH_SIZE, (long) during - QUEUE_SIZE);

        redis.start();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == before + during - queueFull);
        log(logger, "after", after);
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> stats.getDelivered() + stats.getDropped() == stats.getAppended());

        assertThat(stats.getAppended()).isEqualTo(before + during + after);
        assertThat(stats.getDelivered()).isEqualTo(before + during + after - queueFull);
        assertThat(stats.getDropped()).isEqualTo(queueFull);
        assertThat(stats.getRetries()).isEqualTo(stats.getFailedAttempts());
        assertThat(stats.isConnected()).isTrue();
        // What was sent before the outage went with the server; what was sent after it is there, each once.
        ReadBack afterRestart = ReadBack.stream(redis, globalStream);
        afterRestart.assertOnceInOrder("during", (int) (during - queueFull));
        afterRestart.assertExactlyOnceInOrder("after", after);
        assertThat(afterRestart.size()).isEqualTo(stats.getDelivered() - before);
        StatusAssertions.assertStatus(logback.context(), Status.INFO, "managed to deliver a batch of \\d+ events");
        StatusAssertions.assertNoErrors(logback.context());
        System.out.printf(
                "RedisRestartIT %s: %s; stream before the outage=%d, after the restart=%d%n",
                outage, stats, beforeOutage.size(), afterRestart.size());

        logback.context().stop();
        threads.awaitAllEnded();
    }

    @Test
    void aReconnectWhileABatchIsBeingQueuedSendsNoPartOfIt() {
        int logged = 50_000;
        // One big batch retried at once after each failure: the worker spends nearly all its time queuing
        // commands, so Lettuce's reconnect lands in the middle of a batch.
        RedisAppender appender = TestAppenders.configure(
                logback,
                redis.uri(),
                prefix,
                TestAppenders.oneStreamBatchOf(logged)
                        + "<commandTimeout>10 seconds</commandTimeout>"
                        + "<retryInitialDelay>1 millisecond</retryInitialDelay>"
                        + "<retryMaxDelay>1 millisecond</retryMaxDelay>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        logger.info("warm 0");
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 1);

        redis.stop();
        log(logger, "event", logged);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 5);
        redis.start();
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> stats.getDelivered() + stats.getDropped() == stats.getAppended());

        assertThat(stats.getDelivered()).isEqualTo(1 + logged);
        ReadBack stream = ReadBack.stream(redis, globalStream);
        stream.assertExactlyOnceInOrder("event", logged);
        assertThat(stream.size()).isEqualTo(logged);
        System.out.printf("RedisRestartIT reconnect mid-batch: %s; stream entries=%d%n", stats, stream.size());
    }
}
