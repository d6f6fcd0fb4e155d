package dev.sluice.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Redis Cluster of masters without replicas, started from {@code redis-server} and {@code redis-cli} on the PATH for
 * one test class: each node on free loopback ports (client and cluster bus) with its files in a directory of the
 * test's, created with {@code redis-cli --cluster create}, and ready once every node reports {@code cluster_state:ok}.
 * Each node is a {@link PrivateRedisProcess}. {@link #close()} kills every node; a JVM shutdown hook does it if a
 * test forgets.
 *
 * <pre>{@code
 * @TempDir static Path dir;
 * static LocalRedisCluster cluster;
 *
 * @BeforeAll static void start() { cluster = LocalRedisCluster.start(dir, 3); }
 * @AfterAll static void stop() { cluster.close(); }
 * }</pre>
 */
final class LocalRedisCluster implements AutoCloseable {

    private static final String LOOPBACK = PrivateRedisProcess.LOOPBACK;

    /** How long the nodes may take to answer PING, and then to agree that the cluster is ok: {@value} seconds. */
    static final int START_TIMEOUT_SECONDS = 30;

    private final List<PrivateRedisProcess> nodes = new ArrayList<>();

    private LocalRedisCluster() {}

    /**
     * Starts a cluster of {@code size} masters (at least 3, as Redis requires) with its files in {@code directory}.
     *
     * @throws IllegalStateException if redis-server or redis-cli is missing, or the cluster does not come up; the
     *     message says what was missing or names the log to read
     */
    static LocalRedisCluster start(Path directory, int size) {
        return start(directory, size, System.getenv().getOrDefault("PATH", ""));
    }

    /** As {@link #start(Path, int)}, looking for the executables in {@code searchPath} instead of the PATH. */
    static LocalRedisCluster start(Path directory, int size, String searchPath) {
        Path server = PrivateRedisProcess.executable("redis-server", searchPath);
        Path cli = PrivateRedisProcess.executable("redis-cli", searchPath);
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(startNode(server, directory));
            }
            cluster.create(cli, directory);
            cluster.awaitState("ok");
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static PrivateRedisProcess startNode(Path server, Path directory) {
        int port = PrivateRedisProcess.freePort();
        List<String> options = PrivateRedisProcess.serverOptions(
                port,
                directory,
                "--cluster-port",
                Integer.toString(PrivateRedisProcess.freePort()),
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf");
        return PrivateRedisProcess.start(server, directory, port, options);
    }

    private void create(Path cli, Path directory) {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add(LOOPBACK + ":" + node.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = directory.resolve("cluster-create.log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean exited = process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!exited || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " "
                        + (exited ? "failed with exit code " + process.exitValue() : "did not finish") + ":\n"
                        + PrivateRedisProcess.tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cli, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    /** Waits until every node reports {@code cluster_state:<state>} ({@code ok} or {@code fail}). */
    void awaitState(String state) {
        try {
            await().atMost(Duration.ofSeconds(START_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> nodes.stream().allMatch(node -> state.equals(stateOf(node))));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "the cluster did not reach cluster_state:" + state + " on every node within "
                            + START_TIMEOUT_SECONDS + " s; node states: "
                            + nodes.stream()
                                    .map(n -> n.port() + "=" + stateOf(n))
                                    .toList(),
                    e);
        }
    }

    private static String stateOf(PrivateRedisProcess node) {
        try {
            return PrivateRedisProcess.field(node.command("CLUSTER", "INFO"), "cluster_state");
        } catch (RuntimeException e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }

    /** The nodes, in the order they were started. */
    List<PrivateRedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** Every node's URI, separated by commas: the form the appender's {@code uri} takes for a cluster. */
    String seedUris() {
        return nodes.stream().map(PrivateRedisProcess::uri).collect(Collectors.joining(","));
    }

    /** The hash slot of {@code key}, as the cluster computes it ({@code CLUSTER KEYSLOT}). */
    int slotOf(String key) {
        return Integer.parseInt(nodes.get(0).command("CLUSTER", "KEYSLOT", key));
    }

    /** A range of slots and the port of the node serving it, as {@code CLUSTER SLOTS} lists them. */
    private record SlotRange(long first, long last, long port) {}

    private List<SlotRange> slotRanges() {
        List<SlotRange> ranges = new ArrayList<>();
        for (Object range : (List<?>) nodes.get(0).call("CLUSTER", "SLOTS")) {
            List<?> fields = (List<?>) range;
            List<?> primary = (List<?>) fields.get(2);
            ranges.add(new SlotRange((Long) fields.get(0), (Long) fields.get(1), (Long) primary.get(1)));
        }
        return ranges;
    }

    /** The node serving {@code slot} now, by {@code CLUSTER SLOTS}. */
    PrivateRedisProcess ownerOf(int slot) {
        long port = slotRanges().stream()
                .filter(range -> range.first() <= slot && slot <= range.last())
                .mapToLong(SlotRange::port)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node serves slot " + slot));
        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** The lowest slot that {@code node} serves now. */
    int firstSlotOf(PrivateRedisProcess node) {
        return (int) slotRanges().stream()
                .filter(range -> range.port() == node.port())
                .mapToLong(SlotRange::first)
                .min()
                .orElseThrow(() -> new IllegalStateException("node " + node.uri() + " serves no slot"));
    }

    /**
     * Moves {@code slot} with its keys to {@code target} (IMPORTING, MIGRATING, MIGRATE, then SETSLOT NODE on every
     * node), as {@code redis-cli --cluster reshard} does, so that clients holding the old view get MOVED.
     */
    void moveSlot(int slot, PrivateRedisProcess target) {
        PrivateRedisProcess source = ownerOf(slot);
        String at = Integer.toString(slot);
        String sourceId = source.command("CLUSTER", "MYID");
        String targetId = target.command("CLUSTER", "MYID");
        target.call("CLUSTER", "SETSLOT", at, "IMPORTING", sourceId);
        source.call("CLUSTER", "SETSLOT", at, "MIGRATING", targetId);
        List<?> keys = (List<?>) source.call("CLUSTER", "GETKEYSINSLOT", at, "100000");
        if (!keys.isEmpty()) {
            List<String> migrate = new ArrayList<>(
                    List.of("MIGRATE", LOOPBACK, Integer.toString(target.port()), "", "0", "5000", "KEYS"));
            keys.forEach(key -> migrate.add((String) key));
            source.call(migrate.toArray(String[]::new));
        }
        assignSlot(slot, target);
    }

    /** Makes {@code node} serve {@code slot} in every node's view ({@code CLUSTER SETSLOT slot NODE}), its own first. */
    void assignSlot(int slot, PrivateRedisProcess node) {
        String nodeId = node.command("CLUSTER", "MYID");
        node.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", nodeId);
        nodes.forEach(each -> each.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", nodeId));
    }

    /**
     * Takes {@code slot} from every node's view ({@code CLUSTER DELSLOTS}): with Redis's default
     * {@code cluster-require-full-coverage yes}, every node then answers {@code CLUSTERDOWN} until it is assigned again.
     */
    void unassignSlot(int slot) {
        nodes.forEach(node -> node.call("CLUSTER", "DELSLOTS", Integer.toString(slot)));
    }

    /** Kills every node and waits until each is gone. */
    @Override
    public void close() {
        nodes.forEach(PrivateRedisProcess::close);
    }
}
