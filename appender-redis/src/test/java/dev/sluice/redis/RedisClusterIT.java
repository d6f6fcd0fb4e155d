package dev.sluice.redis;

import static dev.sluice.redis.RedisAppenderIT.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The Redis appender against a real three-node Redis Cluster started for this class: each stream on the node serving
 * its slot, PUBLISH seen on every node, SPUBLISH on the channel's shard, and a slot moved under a running appender.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisClusterIT {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    @TempDir
    static Path directory;

    private static LocalRedisCluster cluster;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private RedisAdvancedClusterCommands<String, byte[]> reader;

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start(directory, 3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void connectReader() {
        RedisClusterClient client =
                RedisClusterClient.create(cluster.nodes().get(0).uri());
        opened.add(client::shutdown);
        StatefulRedisClusterConnection<String, byte[]> connection = client.connect(CODEC);
        opened.add(0, connection);
        reader = connection.sync();
    }

    @AfterEach
    void close() throws Exception {
        MDC.clear();
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private RedisAppender configure(String prefix, String extra) {
        logback.configure("<configuration>"
                + "<appender name='REDIS' class='dev.sluice.redis.RedisAppender'>"
                + "<cluster>true</cluster><uri>" + cluster.seedUris() + "</uri>"
                + "<channelPrefix>" + prefix + "</channelPrefix>"
                + "<overflowPolicy>BLOCK</overflowPolicy>" + extra + "</appender>"
                + "<root level='INFO'><appender-ref ref='REDIS'/></root></configuration>");
        return (RedisAppender) logback.context().getLogger("ROOT").getAppender("REDIS");
    }

    /** A subscriber connected to one node only, collecting what reaches it by channel. */
    private Map<String, List<byte[]>> subscribe(PrivateRedisProcess node, boolean sharded, String... channels) {
        RedisClient client = RedisClient.create(node.uri());
        opened.add(client::shutdown);
        StatefulRedisPubSubConnection<String, byte[]> connection = client.connectPubSub(CODEC);
        opened.add(0, connection);
        Map<String, List<byte[]>> received = new ConcurrentHashMap<>();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, byte[] message) {
                received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>())
                        .add(message);
            }

            @Override
            public void smessage(String channel, byte[] message) {
                received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>())
                        .add(message);
            }
        });
        if (sharded) {
            connection.sync().ssubscribe(channels);
        } else {
            connection.sync().psubscribe(channels);
        }
        return received;
    }

    private List<String> stream(String key) {
        return messages(reader.xrange(key, Range.create("-", "+")).stream()
                .map(StreamMessage::getBody)
                .map(body -> body.get("data"))
                .toList());
    }

    private static List<String> events(String context, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> context + " event " + i).toList();
    }

    @Test
    void eventsOfManyContextsLandOnTheirSlotsNodesAndReadBackInOrder() {
        Map<String, List<byte[]>> onLastNode = subscribe(cluster.nodes().get(2), false, "spread:*");
        RedisAppender appender = configure("spread", "");
        Logger logger = logback.logger("app");
        List<String> all = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int id = 0; id < 50; id++) {
                MDC.put("user_id", "ctx-" + id);
                logger.info("{} event {}", "ctx-" + id, round);
                all.add("ctx-" + id + " event " + round);
            }
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 1000);

        Map<Integer, List<String>> keysByNode = new HashMap<>();
        for (int id = 0; id < 50; id++) {
            String key = "stream:spread:ctx-" + id;
            PrivateRedisProcess owner = cluster.ownerOf(cluster.slotOf(key));
            assertThat(owner.command("EXISTS", key))
                    .as("%s on the node serving its slot", key)
                    .isEqualTo("1");
            keysByNode.computeIfAbsent(owner.port(), p -> new ArrayList<>()).add(key);
            assertThat(stream(key)).as(key).containsExactlyElementsOf(events("ctx-" + id, 0, 20));
            assertThat(reader.ttl(key)).isBetween(1L, 3600L);
        }
        assertThat(keysByNode).as("stream keys by node").hasSize(3);
        assertThat(stream("stream:spread:global")).containsExactlyElementsOf(all);
        assertThat(reader.ttl("stream:spread:global")).isBetween(3601L, 86_400L);

        // PUBLISH is forwarded to every node: one subscriber on any node sees every channel.
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> onLastNode.values().stream().mapToInt(List::size).sum() == 2000);
        assertThat(messages(onLastNode.get("spread:global"))).containsExactlyElementsOf(all);
        assertThat(messages(onLastNode.get("spread:ctx-7"))).containsExactlyElementsOf(events("ctx-7", 0, 20));
        assertThat(appender.getStats().getDropped()).isZero();
        assertThat(appender.getStats().getFailedAttempts())
                .as("every node connection is open before the first batch")
                .isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void spublishReachesTheShardSubscribersOfEachChannel() {
        List<String> ids = List.of("a", "b", "c", "d");
        Map<String, Map<String, List<byte[]>>> subscribers = new HashMap<>();
        for (String channel : List.of("sharded:global", "sharded:a", "sharded:b", "sharded:c", "sharded:d")) {
            subscribers.put(channel, subscribe(cluster.ownerOf(cluster.slotOf(channel)), true, channel));
        }
        RedisAppender appender =
                configure("sharded", "<publishCommand>SPUBLISH</publishCommand><target>PUBLISH</target>");
        Logger logger = logback.logger("app");
        for (int i = 0; i < 10; i++) {
            for (String id : ids) {
                MDC.put("user_id", id);
                logger.info("{} event {}", id, i);
            }
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 40);

        subscribers.forEach((channel, received) -> await().atMost(60, TimeUnit.SECONDS)
                .until(() -> received.getOrDefault(channel, List.of()).size()
                        == (channel.equals("sharded:global") ? 40 : 10)));
        for (String id : ids) {
            String channel = "sharded:" + id;
            assertThat(messages(subscribers.get(channel).get(channel))).containsExactlyElementsOf(events(id, 0, 10));
        }
        assertThat(reader.exists("stream:sharded:global"))
                .as("target PUBLISH writes no stream")
                .isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void aSlotMovedToAnotherNodeIsFollowedWithoutFailingABatch() {
        RedisAppender appender = configure("moved", "<target>STREAM</target>");
        Logger logger = logback.logger("app");
        MDC.put("user_id", "m");
        for (int i = 0; i < 10; i++) {
            logger.info("m event {}", i);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 10);
        String key = "stream:moved:m";
        int slot = cluster.slotOf(key);
        PrivateRedisProcess before = cluster.ownerOf(slot);
        PrivateRedisProcess after = cluster.nodes().stream()
                .filter(node -> node != before)
                .findFirst()
                .orElseThrow();

        cluster.moveSlot(slot, after);
        for (int i = 10; i < 20; i++) {
            logger.info("m event {}", i);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 20);

        assertThat(cluster.ownerOf(slot)).isEqualTo(after);
        assertThat(after.command("EXISTS", key)).isEqualTo("1");
        assertThat(stream(key)).containsExactlyElementsOf(events("m", 0, 20));
        assertThat(appender.getStats().getFailedAttempts())
                .as("MOVED is followed, not failed")
                .isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void whileTheClusterIsDownEventsWaitAndAreDeliveredOnceItIsBack() {
        // The hash tag puts every key of this appender on one slot: each attempt succeeds or fails as a whole.
        RedisAppender appender =
                configure("{down}", "<target>STREAM</target><retryMaxDelay>200 milliseconds</retryMaxDelay>");
        String key = "stream:{down}:d";
        PrivateRedisProcess owner = cluster.ownerOf(cluster.slotOf(key));
        PrivateRedisProcess other = cluster.nodes().stream()
                .filter(node -> node != owner)
                .findFirst()
                .orElseThrow();
        int elsewhere = cluster.firstSlotOf(other);
        Logger logger = logback.logger("app");
        MDC.put("user_id", "d");
        try {
            cluster.unassignSlot(elsewhere);
            cluster.awaitState("fail");
            for (int i = 0; i < 10; i++) {
                logger.info("d event {}", i);
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getFailedAttempts() >= 2);
            assertThat(appender.getStats().getDelivered()).isZero();
        } finally {
            cluster.assignSlot(elsewhere, other);
            cluster.awaitState("ok");
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 10);

        assertThat(stream(key)).containsExactlyElementsOf(events("d", 0, 10));
        assertThat(stream("stream:{down}:global")).containsExactlyElementsOf(events("d", 0, 10));
        assertThat(appender.getStats().getDropped()).isZero();
        assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                .anySatisfy(status ->
                        assertThat(String.valueOf(status.getThrowable())).contains("CLUSTERDOWN"));
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void aClusterThatCannotBeReachedNeverStopsStartAndIsReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        logback.configure("<configuration>"
                + "<appender name='DEAD' class='dev.sluice.redis.RedisAppender'>"
                + "<cluster>true</cluster><uri>redis://127.0.0.1:" + closedPort + "</uri>"
                + "<shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>"
                + "</appender><root level='INFO'><appender-ref ref='DEAD'/></root></configuration>");
        RedisAppender dead = (RedisAppender) logback.context().getLogger("ROOT").getAppender("DEAD");
        assertThat(dead.isStarted()).isTrue();

        logback.logger("app").info("nowhere to go");
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "\\[DEAD\\] failed to open its sink");
        assertThat(logback.context().getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(String.valueOf(status.getThrowable()))
                        .contains("cannot connect to Redis Cluster redis://127.0.0.1:" + closedPort));
    }

    @Test
    void withoutRedisServerTheClusterFailsToStartNamingScriptsServices(@TempDir Path empty) {
        assertThatThrownBy(() -> LocalRedisCluster.start(empty, 3, empty.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-server is not on the PATH")
                .hasMessageContaining("scripts/services");
    }
}
