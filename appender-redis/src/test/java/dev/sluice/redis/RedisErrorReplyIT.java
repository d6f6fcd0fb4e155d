package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * The Redis appender when Redis answers a command with an error: the events whose commands were refused are counted
 * as rejected by the sink, and the batch is not written again. Their other commands did run, once, which is what a
 * reader sees.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisErrorReplyIT {

    private static final RedisServer REDIS = RedisServer.shared();
    private static final String END = "end";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String globalChannel = prefix + ":global";
    private final String contextChannel = prefix + ":job-1";
    private final Map<String, List<byte[]>> published = new ConcurrentHashMap<>();
    private RedisClient subscriberClient;
    private StatefulRedisPubSubConnection<String, byte[]> subscriber;

    @BeforeEach
    void subscribe() {
        subscriberClient = RedisClient.create(REDIS.uri());
        subscriber = subscriberClient.connectPubSub(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                published
                        .computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>())
                        .add(message);
            }
        });
        subscriber.sync().subscribe(globalChannel, contextChannel);
    }

    @AfterEach
    void unsubscribe() {
        MDC.clear();
        subscriber.close();
        subscriberClient.shutdown();
    }

    /** How often each message came on the global channel, once an end marker shows both channels got everything. */
    private Map<String, Long> copiesOnTheGlobalChannel(RespClient redis) {
        for (String channel : List.of(globalChannel, contextChannel)) {
            redis.call("PUBLISH", channel, END);
            await().atMost(30, TimeUnit.SECONDS).until(() -> endReceived(channel));
        }
        List<byte[]> global = published.get(globalChannel);
        return ReadBack.published(global.subList(0, global.size() - 1)).messages().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private boolean endReceived(String channel) {
        List<byte[]> messages = published.getOrDefault(channel, List.of());
        return !messages.isEmpty() && new String(messages.get(messages.size() - 1), StandardCharsets.UTF_8).equals(END);
    }

    @Test
    void aWrongTypeReplyRejectsTheEventsThoughTheirOtherCommandsRan() {
        String globalStream = "stream:" + globalChannel;
        String contextStream = "stream:" + contextChannel;
        try (RespClient redis = REDIS.client()) {
            redis.call("SET", globalStream, "not a stream");
            // One batch of 20: the worker waits for a full one.
            RedisAppender appender = TestAppenders.configure(
                    logback,
                    REDIS.uri(),
                    prefix,
                    "<jmx>false</jmx><batchSize>20</batchSize><maxBatchDelay>3 seconds</maxBatchDelay>"
                            + "<maxLen>0</maxLen>");
            AppenderStatsMXBean stats = appender.getStats();
            Logger logger = logback.logger("app");
            MDC.put("user_id", "job-1");
            for (int i = 0; i < 20; i++) {
                logger.info("bad {}", i);
            }
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> stats.getDelivered() + stats.getDropped() == stats.getAppended());

            // One attempt: Redis refused each event's global XADD, so the sink named all 20 as refused and the core
            // rejected them without writing the batch again.
            assertThat(stats.getAppended()).isEqualTo(20);
            assertThat(stats.getDroppedRejectedBySink()).isEqualTo(20);
            assertThat(stats.getDelivered()).isZero();
            assertThat(stats.getFailedAttempts()).isZero();
            assertThat(stats.getRetries()).isZero();
            StatusAssertions.assertStatus(
                    logback.context(), Status.ERROR, "dropped an event its sink rejected permanently");
            assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                    .anySatisfy(status -> assertThat(String.valueOf(status.getThrowable()))
                            .contains("refused a command of the event (its other commands ran): WRONGTYPE"));

            // Every command but the global XADD ran, once: each rejected event was published once on both channels
            // and is once in its context's stream.
            Map<String, Long> copies = copiesOnTheGlobalChannel(redis);
            assertThat(copies)
                    .hasSize(20)
                    .allSatisfy((message, count) -> assertThat(count).isEqualTo(1));
            List<byte[]> toContext = published.get(contextChannel);
            assertThat(toContext).hasSize(20 + 1);
            ReadBack contextEntries = ReadBack.stream(REDIS, contextStream);
            assertThat(contextEntries.size()).isEqualTo(20);
            // EXPIRE works on any type: the string now expires with the global TTL.
            assertThat(redis.call("GET", globalStream)).isEqualTo("not a stream");
            assertThat((Long) redis.call("TTL", globalStream)).isBetween(86_000L, 86_400L);
            System.out.printf(
                    "RedisErrorReplyIT: %s; published on %s: %d, on %s: %d; %s holds %d entries%n",
                    stats,
                    globalChannel,
                    published.get(globalChannel).size() - 1,
                    contextChannel,
                    toContext.size() - 1,
                    contextStream,
                    contextEntries.size());

            // Once the key is a stream again, the same appender delivers.
            redis.call("DEL", globalStream);
            for (int i = 0; i < 5; i++) {
                logger.info("good {}", i);
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 5);
            ReadBack.stream(REDIS, globalStream).assertExactlyOnceInOrder("good", 5);
        }
    }
}
