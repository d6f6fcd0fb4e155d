package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.FaultProxy;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.RespClient;
import dev.sluice.testing.StatusAssertions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
    void cutsInTheMiddleOfPipelinesLoseNothingAndOnlyReplayWholeRuns() throws Exception {
        int logged = 30_000;
        List<byte[]> published = new CopyOnWriteArrayList<>();
        RedisClient subscriberClient = RedisClient.create(REDIS.uri());
        StatefulRedisPubSubConnection<String, byte[]> subscriber =
                subscriberClient.connectPubSub(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        try {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    published.add(message);
                }
            });
            subscriber.sync().subscribe(prefix + ":global");
            // Each chunk waits a little in the proxy: a batch spends its time in flight, where the cuts hit it.
            proxy.setLatency(Duration.ofMillis(1));
            RedisAppender appender = configure("<queueSize>" + logged + "</queueSize>" + FAST_FAILING);
            AppenderStatsMXBean stats = appender.getStats();
            Logger logger = logback.logger("app");
            Thread producer = new Thread(
                    () -> {
                        for (int i = 0; i < logged; i++) {
                            logger.info("event {}", i);
                            if (i % 100 == 99) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                            }
                        }
                    },
                    "producer");
            producer.start();
            int cuts = 0;
            for (long next = 2000; next < logged - 2000 && cuts < 5; next += 5000) {
                long due = next;
                await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() >= due);
                proxy.cutAll();
                cuts++;
            }
            producer.join();
            awaitAtRest(stats);

            assertThat(stats.getAppended()).isEqualTo(logged);
            assertThat(stats.getDelivered()).isEqualTo(logged);
            assertThat(stats.getDropped()).isZero();
            assertThat(stats.getFailedAttempts()).isPositive();
            assertThat(stats.getRetries()).isEqualTo(stats.getFailedAttempts());
            assertThat(proxy.acceptedCount()).isGreaterThan(cuts);

            ReadBack stream = ReadBack.stream(REDIS, globalStream);
            ReadBack.Replays inStream = stream.assertDeliveredInOrderWithWholeRunsReplayed("event", logged);
            assertThat(inStream.rewinds()).isLessThanOrEqualTo((int) stats.getFailedAttempts());

            // The marker is published after every event's PUBLISH was answered: once it is in, all of them are.
            try (RespClient redis = REDIS.client()) {
                redis.call("PUBLISH", prefix + ":global", "end");
            }
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() ->
                            !published.isEmpty() && Arrays.equals(published.get(published.size() - 1), bytes("end")));
            ReadBack subscribed = ReadBack.published(published.subList(0, published.size() - 1));
            ReadBack.Replays toSubscriber = subscribed.assertDeliveredInOrderWithWholeRunsReplayed("event", logged);
            assertThat(toSubscriber.rewinds()).isLessThanOrEqualTo((int) stats.getFailedAttempts());

            System.out.printf(
                    "RedisFaultProxyIT cut: cuts=%d connections=%d %s; stream entries=%d duplicates=%d replayed runs=%d;"
                            + " subscriber messages=%d duplicates=%d replayed runs=%d%n",
                    cuts,
                    proxy.acceptedCount(),
                    stats,
                    stream.size(),
                    inStream.duplicates(),
                    inStream.rewinds(),
                    subscribed.size(),
                    toSubscriber.duplicates(),
                    toSubscriber.rewinds());
            StatusAssertions.assertNoErrors(logback.context());
        } finally {
            subscriber.close();
            subscriberClient.shutdown();
        }
    }

    @Test
    void aBatchTimingOutInTheMiddleOfItsPipelineIsSentAgainWhole() {
        int logged = 1000;
        // The retry waits long enough for the old connection's tail to have reached Redis or been cut off, as on
        // a real network, where it is ahead of the retry's bytes.
        RedisAppender appender = configure("<queueSize>" + logged + "</queueSize><batchSize>250</batchSize>"
                + "<commandTimeout>200 milliseconds</commandTimeout><maxLen>0</maxLen>"
                + "<retryInitialDelay>500 milliseconds</retryInitialDelay><retryMaxDelay>500 milliseconds</retryMaxDelay>"
                + "<retryJitter>0</retryJitter>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        log(logger, "warm", 1);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 1);

        // A batch of 250 events is about ten chunks: at 50 ms a chunk, part of it reaches Redis before the timeout.
        proxy.setLatency(Duration.ofMillis(50));
        log(logger, "event", logged);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 3);
        proxy.setLatency(Duration.ZERO);
        awaitAtRest(stats);

        assertThat(stats.getDelivered()).isEqualTo(1 + logged);
        assertThat(stats.getDropped()).isZero();
        ReadBack stream = ReadBack.stream(REDIS, globalStream);
        ReadBack.Replays replays = stream.assertDeliveredInOrderWithWholeRunsReplayed("event", logged);
        assertThat(replays.rewinds()).isLessThanOrEqualTo((int) stats.getFailedAttempts());
        System.out.printf(
                "RedisFaultProxyIT slow pipeline: %s; stream entries=%d duplicates=%d replayed runs=%d%n",
                stats, stream.size(), replays.duplicates(), replays.rewinds());
    }

    @Test
    void aCutBetweenBatchesReplaysNothing() {
        RedisAppender appender = configure(FAST_FAILING);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        log(logger, "first", 100);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 100);

        proxy.cutAll(); // no batch in flight: no reply can be lost
        log(logger, "second", 100);
        awaitAtRest(stats);

        assertThat(stats.getDelivered()).isEqualTo(200);
        assertThat(proxy.acceptedCount()).as("connections").isGreaterThanOrEqualTo(2);
        ReadBack stream = ReadBack.stream(REDIS, globalStream);
        assertThat(stream.size()).isEqualTo(200);
        stream.assertExactlyOnceInOrder("first", 100);
        stream.assertExactlyOnceInOrder("second", 100);
        System.out.printf("RedisFaultProxyIT idle cut: %s; stream entries=%d%n", stats, stream.size());
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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
