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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One {@code redis-server} process of a test's own (a cluster node, a primary, a replica, a sentinel), on a free
 * loopback port, its log in a directory of the test's, ready once it answers PING on its plain port. {@link #close()}
 * kills it; a JVM shutdown hook kills any a test forgot.
 */
final class PrivateRedisProcess implements AutoCloseable {

    /** How long a process may take to answer PING: {@value} seconds. */
    static final int START_TIMEOUT_SECONDS = 30;

    static final String LOOPBACK = "127.0.0.1";

    private static final String SERVICES_HINT =
            "Run scripts/services (as root it installs Redis with apt), then run the tests again.";
    private static final Set<PrivateRedisProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> new ArrayList<>(RUNNING).forEach(PrivateRedisProcess::close),
                        "sluice-private-redis-shutdown"));
    }

    private final int port;
    private final Process process;
    private final Path log;

    private PrivateRedisProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** {@code name} on the PATH. */
    static Path executable(String name) {
        return executable(name, System.getenv().getOrDefault("PATH", ""));
    }

    /**
     * {@code name} in one of the directories of {@code searchPath}.
     *
     * @throws IllegalStateException if it is not there, naming scripts/services
     */
    static Path executable(String name, String searchPath) {
        return Stream.of(searchPath.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is not on the PATH (" + searchPath
                        + "), so no private Redis server can be started for this test. " + SERVICES_HINT));
    }

    /** A TCP port that was free on loopback a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    /**
     * The options of a redis-server that listens on {@code port} of loopback, persists nothing and keeps its files in
     * {@code directory}, followed by {@code more}.
     */
    static List<String> serverOptions(int port, Path directory, String... more) {
        List<String> options = new ArrayList<>(List.of(
                "--port",
                Integer.toString(port),
                "--bind",
                LOOPBACK,
                "--dir",
                directory.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no"));
        options.addAll(List.of(more));
        return options;
    }

    /** Starts a redis-server from the PATH with {@link #serverOptions} and waits until it answers PING. */
    static PrivateRedisProcess startServer(Path directory, String... more) {
        int port = freePort();
        return start(executable("redis-server"), directory, port, serverOptions(port, directory, more));
    }

    /**
     * Runs {@code executable arguments}, which must make it listen on {@code port} of loopback, with its output in
     * {@code directory}, and waits until it answers PING.
     *
     * @throws IllegalStateException if it cannot run or does not answer; the message holds its log's tail
     */
    static PrivateRedisProcess start(Path executable, Path directory, int port, List<String> arguments) {
        Path log = directory.resolve("redis-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable + ". " + SERVICES_HINT, e);
        }
        PrivateRedisProcess started = new PrivateRedisProcess(port, process, log);
        RUNNING.add(started);
        try {
            await().atMost(Duration.ofSeconds(START_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || RespClient.ping(LOOPBACK, port, Duration.ofMillis(500)));
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        if (!process.isAlive() || !RespClient.ping(LOOPBACK, port, Duration.ofMillis(500))) {
            started.close();
            throw new IllegalStateException(String.join(" ", command) + " did not answer PING on port " + port
                    + " within " + START_TIMEOUT_SECONDS + " s; log " + log + ":\n" + tail(log));
        }
        return started;
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    /** The process as a {@code redis://host:port} URI. */
    String uri() {
        return "redis://" + LOOPBACK + ":" + port;
    }

    /** A new raw client to this process; the caller closes it. */
    RespClient client() {
        return new RespClient(LOOPBACK, port);
    }

    /** One command on a new connection, its reply as {@link RespClient#call} gives it. */
    Object call(String... args) {
        try (RespClient client = client()) {
            return client.call(args);
        }
    }

    /** One command on a new connection, its reply as text. */
    String command(String... args) {
        return String.valueOf(call(args));
    }

    /** The value of {@code field} in {@code INFO section} (such as {@code role} in {@code replication}). */
    String info(String section, String field) {
        return field(command("INFO", section), field);
    }

    /** The value of {@code field} in a reply of {@code field:value} lines, such as INFO's or CLUSTER INFO's. */
    static String field(String reply, String field) {
        return reply.lines()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).trim())
                .findFirst()
                .orElse("");
    }

    /** The last 20 lines of a log, for failure messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills the process (SIGKILL: nothing is saved anyway) and waits until it is gone. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }
}
