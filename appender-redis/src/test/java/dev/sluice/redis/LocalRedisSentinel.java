package dev.sluice.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A primary, one replica and one sentinel monitoring them as {@value #NAME}, each a {@link PrivateRedisProcess} of
 * the test's, started from {@code redis-server} on the PATH (the sentinel with a config file it may rewrite).
 * {@link #close()} kills all three.
 */
final class LocalRedisSentinel implements AutoCloseable {

    /** The name the sentinel knows the primary by: {@value}. */
    static final String NAME = "logs-primary";

    private static final Duration READY = Duration.ofSeconds(PrivateRedisProcess.START_TIMEOUT_SECONDS);

    private final List<PrivateRedisProcess> servers;
    private final PrivateRedisProcess sentinel;

    private LocalRedisSentinel(List<PrivateRedisProcess> servers, PrivateRedisProcess sentinel) {
        this.servers = servers;
        this.sentinel = sentinel;
    }

    /**
     * Starts the primary, the replica and the sentinel, and waits until the sentinel knows the replica.
     *
     * @throws IllegalStateException if redis-server is missing or a process does not come up
     */
    static LocalRedisSentinel start(Path directory) {
        PrivateRedisProcess primary = PrivateRedisProcess.startServer(mkdir(directory, "primary"));
        PrivateRedisProcess replica = null;
        PrivateRedisProcess sentinel = null;
        try {
            replica = PrivateRedisProcess.startServer(
                    mkdir(directory, "replica"),
                    "--replicaof",
                    PrivateRedisProcess.LOOPBACK,
                    Integer.toString(primary.port()));
            PrivateRedisProcess linked = replica;
            await().atMost(READY).until(() -> "up".equals(linked.info("replication", "master_link_status")));
            int port = PrivateRedisProcess.freePort();
            Path config = write(
                    mkdir(directory, "sentinel").resolve("sentinel.conf"),
                    "port " + port + "\nbind " + PrivateRedisProcess.LOOPBACK + "\ndaemonize no\n"
                            + "sentinel monitor " + NAME + " " + PrivateRedisProcess.LOOPBACK + " " + primary.port()
                            + " 1\nsentinel down-after-milliseconds " + NAME + " 5000\n");
            sentinel = PrivateRedisProcess.start(
                    PrivateRedisProcess.executable("redis-server"),
                    config.getParent(),
                    port,
                    List.of(config.toString(), "--sentinel"));
            LocalRedisSentinel started = new LocalRedisSentinel(List.of(primary, replica), sentinel);
            await().atMost(READY).until(() -> started.knowsAReplica());
            return started;
        } catch (RuntimeException e) {
            primary.close();
            if (replica != null) {
                replica.close();
            }
            if (sentinel != null) {
                sentinel.close();
            }
            throw e;
        }
    }

    private static Path mkdir(Path parent, String name) {
        try {
            return Files.createDirectories(parent.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The appender's uri: {@code redis-sentinel://127.0.0.1:<sentinel port>#logs-primary}. */
    String uri() {
        return "redis-sentinel://" + PrivateRedisProcess.LOOPBACK + ":" + sentinel.port() + "#" + NAME;
    }

    /** The server the sentinel names as primary now ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}). */
    PrivateRedisProcess primary() {
        List<?> address = (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME);
        int port = Integer.parseInt((String) address.get(1));
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    /**
     * Has the sentinel promote the replica ({@code SENTINEL FAILOVER}) and waits until it names the new primary, the
     * new primary says so, and the old one replicates from it: then the sentinel has also closed the old primary's
     * client connections, so that clients ask it again.
     */
    PrivateRedisProcess failover() {
        PrivateRedisProcess old = primary();
        PrivateRedisProcess next =
                servers.stream().filter(s -> s != old).findFirst().orElseThrow();
        sentinel.call("SENTINEL", "FAILOVER", NAME);
        await().atMost(READY)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> primary() == next
                        && "master".equals(next.info("replication", "role"))
                        && "slave".equals(old.info("replication", "role"))
                        && "up".equals(old.info("replication", "master_link_status"))
                        && knowsAReplica());
        return next;
    }

    private boolean knowsAReplica() {
        String replicas = sentinel.command("SENTINEL", "REPLICAS", NAME);
        return replicas.contains("slave") && !replicas.contains("s_down") && !replicas.contains("disconnected");
    }

    @Override
    public void close() {
        sentinel.close();
        servers.forEach(PrivateRedisProcess::close);
    }
}
