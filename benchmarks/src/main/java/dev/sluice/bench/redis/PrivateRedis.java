package dev.sluice.bench.redis;

import io.lettuce.core.FlushMode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the benchmark's own, on a free loopback port, without persistence, in a scratch directory
 * deleted on {@link #close()}: no other client disturbs the counts or the timings. One connection, opened here, reads
 * what the contestants wrote.
 */
final class PrivateRedis implements AutoCloseable {

    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** How often a run looks at what Redis holds: short against a run, negligible work for Redis. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Path dir;
    private final int port;
    private final Process process;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisCommands<String, byte[]> redis;

    private PrivateRedis(
            Path dir,
            int port,
            Process process,
            RedisClient client,
            StatefulRedisConnection<String, byte[]> connection) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
    }

    /** Starts {@code serverCommand} (a {@code redis-server} on the PATH, or a path to one) and connects to it. */
    static PrivateRedis start(String serverCommand) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sluice-redis-bench-");
        int port = freePort();
        Process process;
        try {
            process = new ProcessBuilder(
                            serverCommand,
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--daemonize",
                            "no",
                            "--dir",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            // Never leave a server behind, whatever way the JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "redis-bench-server-reaper"));
        } catch (IOException e) {
            deleteTree(dir);
            throw new IOException(
                    "cannot run '" + serverCommand + "' (set -Dbench.redisServer=<path>, or install"
                            + " Redis with scripts/services)",
                    e);
        }
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            try {
                StatefulRedisConnection<String, byte[]> connection =
                        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                return new PrivateRedis(dir, port, process, client, connection);
            } catch (RuntimeException e) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    String log = Files.readString(dir.resolve("redis.log"));
                    process.destroyForcibly();
                    client.shutdown();
                    deleteTree(dir);
                    throw new IllegalStateException("redis-server did not answer on port " + port + ": " + log, e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    String version() {
        return redis.info("server")
                .lines()
                .filter(line -> line.startsWith("redis_version:"))
                .map(line -> line.substring("redis_version:".length()).trim())
                .findFirst()
                .orElse("?");
    }

    /** Empties every database (synchronously, so no freeing goes on during the next run) and zeroes the stats. */
    void reset() {
        redis.flushall(FlushMode.SYNC);
        redis.configResetstat();
    }

    CommandStats commandStats() {
        return CommandStats.parse(redis.info("commandstats"));
    }

    long xlen(String key) {
        return redis.xlen(key);
    }

    long llen(String key) {
        return redis.llen(key);
    }

    /** The entries of every stream whose key matches the glob, added up. */
    long xlenOfAll(String glob) {
        return redis.keys(glob).stream().mapToLong(redis::xlen).sum();
    }

    /** Size of the {@code field} of a stream's first entry, or -1 when there is none. */
    int firstStreamPayload(String key, String field) {
        List<StreamMessage<String, byte[]>> first = redis.xrange(key, Range.create("-", "+"), Limit.from(1));
        if (first.isEmpty() || first.get(0).getBody().get(field) == null) {
            return -1;
        }
        return first.get(0).getBody().get(field).length;
    }

    /** Size of a list's first element, or -1 when there is none. */
    int firstListPayload(String key) {
        byte[] first = redis.lindex(key, 0);
        return first == null ? -1 : first.length;
    }

    /**
     * Polls {@code count} until it reaches {@code target}, or until it has not moved for {@code stallNanos}.
     *
     * @return the count last seen and when it was first seen (for a stalled count, the last time it moved)
     */
    Arrival awaitCount(LongSupplier count, long target, long stallNanos) {
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long seen = count.getAsLong();
            long now = System.nanoTime();
            if (seen != last) {
                last = seen;
                lastChange = now;
            }
            if (seen >= target || now - lastChange > stallNanos) {
                return new Arrival(seen, lastChange);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A count that Redis reached, and {@link System#nanoTime()} when it was seen. */
    record Arrival(long count, long nanoTime) {}

    /** Closes the connection, stops the server and deletes its directory. */
    @Override
    public void close() throws InterruptedException {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
