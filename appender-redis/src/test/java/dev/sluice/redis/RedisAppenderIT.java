package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.StatusAssertions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/** The Redis appender against a real Redis: what a subscriber, the streams and redis-cli read back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisAppenderIT {

    private static final RedisServer REDIS = RedisServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    /** Each test's own channel prefix, so that tests never read each other's keys on the shared server. */
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> reader;
    private StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private final Map<String, List<byte[]>> received = new ConcurrentHashMap<>();

    @BeforeEach
    void connect() {
        client = RedisClient.create(REDIS.uri());
        RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
        reader = client.connect(codec);
        subscriber = client.connectPubSub(codec);
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, byte[] message) {
                received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>())
                        .add(message);
            }
        });
        subscriber.sync().psubscribe(prefix + ":*");
    }

    @AfterEach
    void disconnect() {
        MDC.clear();
        subscriber.close();
        reader.close();
        client.shutdown();
    }

    private RedisAppender configure(String extra) {
        logback.configure("<configuration>"
                + "<appender name='REDIS' class='dev.sluice.redis.RedisAppender'>"
                + "<uri>" + REDIS.uri() + "</uri><channelPrefix>" + prefix + "</channelPrefix>"
                + "<overflowPolicy>BLOCK</overflowPolicy>" + extra + "</appender>"
                + "<root level='INFO'><appender-ref ref='REDIS'/></root></configuration>");
        return (RedisAppender) logback.context().getLogger("ROOT").getAppender("REDIS");
    }

    /** The messages of canonical JSON payloads, in order. */
    static List<String> messages(List<byte[]> payloads) {
        EventJsonDecoder decoder = new EventJsonDecoder();
        return payloads.stream()
                .map(decoder::decode)
                .map(DecodedLoggingEvent::getFormattedMessage)
                .toList();
    }

    private List<byte[]> stream(String key) {
        return reader.sync().xrange(key, io.lettuce.core.Range.create("-", "+")).stream()
                .map(StreamMessage::getBody)
                .map(body -> body.get("data"))
                .toList();
    }

    @Test
    void everyEventReachesItsContextChannelTheGlobalChannelAndBothStreamsInOrder() throws Exception {
        RedisAppender appender = configure("");
        Logger logger = logback.logger("app");
        MDC.put("user_id", "job-1");
        for (int i = 0; i < 500; i++) {
            logger.info("job event {}", i);
        }
        MDC.remove("user_id");
        for (int i = 0; i < 100; i++) {
            logger.info("global event {}", i);
        }
        String context = prefix + ":job-1";
        String global = prefix + ":global";
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> received.getOrDefault(global, List.of()).size() == 600);
        logback.context().stop();

        List<String> jobMessages =
                IntStream.range(0, 500).mapToObj(i -> "job event " + i).toList();
        assertThat(messages(received.get(context))).containsExactlyElementsOf(jobMessages);
        assertThat(messages(received.get(global)).subList(0, 500)).containsExactlyElementsOf(jobMessages);
        assertThat(messages(stream("stream:" + context))).containsExactlyElementsOf(jobMessages);
        assertThat(stream("stream:" + global)).hasSize(600);
        assertThat(appender.getStats().getDelivered()).isEqualTo(600);
        assertThat(appender.getStats().getDropped()).isZero();
        RedisCommands<String, byte[]> redis = reader.sync();
        assertThat(redis.ttl("stream:" + context)).isBetween(1L, 3600L);
        assertThat(redis.ttl("stream:" + global)).isBetween(3601L, 86_400L);
        assertThat(redisCli("XLEN", "stream:" + context)).isEqualTo("500");
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void streamsStayCappedNearMaxLen() {
        RedisAppender appender = configure("<maxLen>100</maxLen><target>STREAM</target>");
        Logger logger = logback.logger("app");
        for (int i = 0; i < 2000; i++) {
            logger.info("event {}", i);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 2000);
        // MAXLEN ~ trims whole stream nodes (100 entries each by default): at least 100 stay, never much more.
        assertThat(reader.sync().xlen("stream:" + prefix + ":global")).isBetween(100L, 200L);
        assertThat(received).as("STREAM publishes nothing").isEmpty();
    }

    @Test
    void theSeedFormatIsWhatTheSeedsConsumersRead() throws Exception {
        configure("<format>SEED</format><host>pod-7</host><target>PUBLISH</target>");
        logback.logger("com.example.Jobs").warn("disk {} nearly full", "/data");
        await().atMost(60, TimeUnit.SECONDS).until(() -> received.containsKey(prefix + ":global"));
        String payload = new String(received.get(prefix + ":global").get(0), StandardCharsets.UTF_8);
        assertThat(payload)
                .startsWith("{\"message\":\"disk /data nearly full\",\"level\":\"WARNING\",\"timestamp\":")
                .endsWith(",\"logger\":\"com.example.Jobs\",\"pod\":\"pod-7\"}")
                .containsPattern("\"timestamp\":\\d{10}\\.\\d{3},");
    }

    @Test
    void hostileContextIdsLandOnSanitisedChannels() {
        configure("<target>PUBLISH</target>");
        Logger logger = logback.logger("app");
        MDC.put("user_id", "*:evil [x]");
        logger.info("hostile");
        await().atMost(60, TimeUnit.SECONDS).until(() -> received.containsKey(prefix + ":global"));
        await().atMost(60, TimeUnit.SECONDS).until(() -> received.size() == 2);
        assertThat(received.keySet())
                .anySatisfy(channel -> assertThat(channel).matches(prefix + ":__evil__x_~[0-9a-f]{8}"));
    }

    @Test
    void aDeadRedisNeverStopsStartAndItsFailuresAreReported() throws IOException {
        configure("");
        logback.context().getLogger("ROOT").detachAndStopAllAppenders();
        RedisAppender dead = new RedisAppender();
        dead.setContext(logback.context());
        dead.setName("DEAD");
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        dead.setUri("redis://127.0.0.1:" + closedPort);
        dead.setQueueSize(10);
        dead.setShutdownGracePeriod(ch.qos.logback.core.util.Duration.buildByMilliseconds(200));
        dead.start();
        assertThat(dead.isStarted()).isTrue();
        logback.context().getLogger("ROOT").addAppender(dead);
        for (int i = 0; i < 25; i++) {
            logback.logger("app").info("event {}", i);
        }
        StatusAssertions.awaitStatus(
                logback.context(), ch.qos.logback.core.status.Status.WARN, "\\[DEAD\\] failed to open its sink");
        assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(String.valueOf(status.getThrowable()))
                        .contains("cannot connect to redis://127.0.0.1:" + closedPort + "/0"));
        assertThat(dead.getStats().getDroppedQueueFull()).isEqualTo(15);
        dead.stop();
        assertThat(dead.getStats().getDroppedShutdown()).isEqualTo(10);
        assertThat(dead.getStats().getDelivered()).isZero();
    }

    private String redisCli(String... command) throws IOException, InterruptedException {
        List<String> args =
                new java.util.ArrayList<>(List.of("redis-cli", "-h", REDIS.host(), "-p", String.valueOf(REDIS.port())));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
