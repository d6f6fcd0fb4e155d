package dev.sluice.redis;

import static org.awaitility.Awaitility.await;

import dev.sluice.testing.RespClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Redis Cluster of masters without replicas, started from {@code redis-server} and {@code redis-cli} on the PATH for
 * one test class: each node on free loopback ports (client and cluster bus) with its files in a directory of the
 * test's, created with {@code redis-cli --cluster create}, and ready once every node reports {@code cluster_state:ok}.
 * {@link #close()} kills every node; a JVM shutdown hook does it if a test forgets.
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

    /** How long the nodes may take to answer PING, and then to agree that the cluster is ok: {@value} seconds. */
    static final int START_TIMEOUT_SECONDS = 30;

    private static final String LOOPBACK = "127.0.0.1";
    private static final String SERVICES_HINT =
            "Run scripts/services (as root it installs Redis with apt), then run the tests again.";

    /** One node of the cluster. */
    record Node(int port, Process process, Path log) {

        /** The node as a {@code redis://host:port} URI. */
        String uri() {
            return "redis://" + LOOPBACK + ":" + port;
        }

        /** A new raw client to this node alone (no redirects); the caller closes it. */
        RespClient client() {
            return new RespClient(LOOPBACK, port);
        }

        /** One command to this node alone, its reply as {@link RespClient#call} gives it. */
        Object call(String... args) {
            try (RespClient client = client()) {
                return client.call(args);
            }
        }

        /** One command to this node alone, its reply as text ({@link RespClient#command}). */
        String command(String... args) {
            return String.valueOf(call(args));
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Thread killer = new Thread(this::kill, "sluice-redis-cluster-shutdown");

    private LocalRedisCluster() {
        Runtime.getRuntime().addShutdownHook(killer);
    }

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
        Path server = executable("redis-server", searchPath);
        Path cli = executable("redis-cli", searchPath);
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(startNode(server, directory));
            }
            cluster.nodes.forEach(LocalRedisCluster::awaitPing);
            cluster.create(cli, directory);
            cluster.awaitState("ok");
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static Path executable(String name, String searchPath) {
        return Stream.of(searchPath.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is not on the PATH (" + searchPath
                        + "), so no local Redis Cluster can be started for this test. " + SERVICES_HINT));
    }

    private static Node startNode(Path server, Path directory) {
        int port = freePort();
        Path log = directory.resolve("node-" + port + ".log");
        List<String> command = List.of(
                server.toString(),
                "--port",
                Integer.toString(port),
                "--cluster-port",
                Integer.toString(freePort()),
                "--bind",
                LOOPBACK,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                "--dir",
                directory.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Node(port, process, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + server + ". " + SERVICES_HINT, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    private static void awaitPing(Node node) {
        try {
            await().atMost(Duration.ofSeconds(START_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !node.process().isAlive()
                            || RespClient.ping(LOOPBACK, node.port(), Duration.ofMillis(500)));
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        if (!node.process().isAlive() || !RespClient.ping(LOOPBACK, node.port(), Duration.ofMillis(500))) {
            throw new IllegalStateException(
                    "cluster node redis-server on port " + node.port() + " did not answer PING ("
                            + (node.process().isAlive() ? "still running" : "exited") + "); log " + node.log() + ":\n"
                            + tail(node.log()));
        }
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
                        + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cli + ". " + SERVICES_HINT, e);
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

    private static String stateOf(Node node) {
        try {
            return node.command("CLUSTER", "INFO")
                    .lines()
                    .filter(line -> line.startsWith("cluster_state:"))
                    .map(line -> line.substring("cluster_state:".length()).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (RuntimeException e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }

    /** The nodes, in the order they were started. */
    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Every node's URI, separated by commas: the form the appender's {@code uri} takes for a cluster. */
    String seedUris() {
        return nodes.stream().map(Node::uri).collect(Collectors.joining(","));
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
    Node ownerOf(int slot) {
        long port = slotRanges().stream()
                .filter(range -> range.first() <= slot && slot <= range.last())
                .mapToLong(SlotRange::port)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node serves slot " + slot));
        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** The lowest slot that {@code node} serves now. */
    int firstSlotOf(Node node) {
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
    void moveSlot(int slot, Node target) {
        Node source = ownerOf(slot);
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
    void assignSlot(int slot, Node node) {
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

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills every node (SIGKILL: nothing is saved anyway) and waits until each is gone. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs or ran
        }
    }

    private void kill() {
        for (Node node : nodes) {
            node.process().destroyForcibly();
        }
        for (Node node : nodes) {
            try {
                node.process().waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
