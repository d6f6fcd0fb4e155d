package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Redis server for integration tests.
 *
 * <p>{@link #shared()} finds one in this order: the {@value #URI_ENV} environment variable
 * ({@code redis://host:port}); a server answering {@code PING} on 127.0.0.1:{@value #DEFAULT_PORT}; a private
 * server started from {@code redis-server} on the PATH. If none works it throws, naming {@code scripts/services}:
 * a test never skips for want of a server. The shared server is not the test's to stop, so {@link #stop()},
 * {@link #kill()} and {@link #restart()} refuse to act on it; {@link #close()} does nothing.
 *
 * <p>{@link #startPrivate()} always starts a private server, for tests that stop, kill or restart it. A private
 * server runs without persistence, bound to 127.0.0.1 on a free port, with its directory in a temp dir; it is
 * stopped by {@link #close()}, or by a JVM shutdown hook if a test forgets.
 */
public final class RedisServer implements AutoCloseable {

    /** Environment variable naming the Redis server to test against: {@value}. */
    public static final String URI_ENV = "SLUICE_REDIS_URI";

    /** Port probed on 127.0.0.1 when {@value #URI_ENV} is not set: {@value}. */
    public static final int DEFAULT_PORT = 6379;

    /** How long a private server may take to answer PING after starting: {@value} seconds. */
    public static final int START_TIMEOUT_SECONDS = 10;

    /** How long a probe or a stop waits for an answer. */
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    private static final String LOOPBACK = "127.0.0.1";
    private static final Set<RedisServer> PRIVATE_SERVERS = ConcurrentHashMap.newKeySet();

    private static final SharedOnce<RedisServer> SHARED = new SharedOnce<>(() -> {
        RedisServer found = findShared();
        found.sharedInstance = true;
        return found;
    });

    static {
        // Private servers are child processes; the JVM would leave them running after the tests.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> new ArrayList<>(PRIVATE_SERVERS).forEach(RedisServer::shutdown),
                        "sluice-redis-fixture-shutdown"));
    }

    private final String host;
    private final int port;
    private final String uri;
    private final Path directory;
    private final Path executable;
    private volatile boolean sharedInstance;
    private Process process;

    private RedisServer(String host, int port, String uri, Path directory, Path executable) {
        this.host = host;
        this.port = port;
        this.uri = uri;
        this.directory = directory;
        this.executable = executable;
    }

    /**
     * The Redis server shared by all tests of this JVM; see the class comment for how it is found.
     *
     * @throws IllegalStateException if no server can be found or started; the message names scripts/services
     */
    public static RedisServer shared() {
        return SHARED.get();
    }

    private static RedisServer findShared() {
        String fromEnv = System.getenv(URI_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromUri(fromEnv.trim());
        }
        if (RespClient.ping(LOOPBACK, DEFAULT_PORT, PROBE_TIMEOUT)) {
            return new RedisServer(LOOPBACK, DEFAULT_PORT, uriOf(LOOPBACK, DEFAULT_PORT), null, null);
        }
        Path executable = ServerSupport.findExecutable("redis-server")
                .orElseThrow(() -> new IllegalStateException("No Redis server for the tests: " + URI_ENV
                        + " is not set, nothing answers PING on " + LOOPBACK + ":" + DEFAULT_PORT
                        + ", and redis-server is not on the PATH. " + ServerSupport.SERVICES_HINT));
        try {
            return startPrivate(executable);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "No Redis server for the tests: nothing answers on " + LOOPBACK + ":" + DEFAULT_PORT
                            + " and a private redis-server failed to start. " + ServerSupport.SERVICES_HINT,
                    e);
        }
    }

    /** An explicitly configured server must answer: falling back silently would test something else. */
    private static RedisServer fromUri(String value) {
        URI parsed;
        try {
            parsed = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(URI_ENV + "=" + value + " is not a URI like redis://127.0.0.1:6379", e);
        }
        String host = parsed.getHost();
        if (host == null || !("redis".equals(parsed.getScheme()) || "rediss".equals(parsed.getScheme()))) {
            throw new IllegalStateException(URI_ENV + "=" + value + " is not a URI like redis://127.0.0.1:6379");
        }
        int port = parsed.getPort() > 0 ? parsed.getPort() : DEFAULT_PORT;
        // A password-protected server answers PING with NOAUTH, and TLS cannot be probed raw: connecting is enough.
        if (!accepts(host, port)) {
            throw new IllegalStateException(URI_ENV + "=" + value + " does not accept connections. "
                    + ServerSupport.SERVICES_HINT + " Or unset " + URI_ENV + " to use 127.0.0.1:" + DEFAULT_PORT + ".");
        }
        return new RedisServer(host, port, value, null, null);
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts a private Redis server from {@code redis-server} on the PATH, on a free port, and waits until it
     * answers PING.
     *
     * @throws IllegalStateException if redis-server is missing or does not answer within
     *     {@value #START_TIMEOUT_SECONDS} seconds; the message includes its log
     */
    public static RedisServer startPrivate() {
        Path executable = ServerSupport.findExecutable("redis-server")
                .orElseThrow(() -> new IllegalStateException(
                        "redis-server is not on the PATH, so no private Redis server can be started. "
                                + ServerSupport.SERVICES_HINT));
        return startPrivate(executable);
    }

    private static RedisServer startPrivate(Path executable) {
        Path directory;
        try {
            directory = Files.createTempDirectory("sluice-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for a private Redis server", e);
        }
        int port = ServerSupport.freePort();
        RedisServer server = new RedisServer(LOOPBACK, port, uriOf(LOOPBACK, port), directory, executable);
        PRIVATE_SERVERS.add(server);
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String uriOf(String host, int port) {
        return "redis://" + host + ":" + port;
    }

    /** The host to connect to. */
    public String host() {
        return host;
    }

    /** The port to connect to. */
    public int port() {
        return port;
    }

    /** The server as a {@code redis://host:port} URI, the form the Redis appender takes. */
    public String uri() {
        return uri;
    }

    /**
     * Whether this fixture started the server. Only a server from {@link #startPrivate()} may be stopped, killed and
     * restarted by a test; one that {@link #shared()} started is private to the JVM but shared by its tests.
     */
    public boolean isPrivate() {
        return directory != null;
    }

    /** Whether the server answers PING now. */
    public boolean ping() {
        return RespClient.ping(host, port, PROBE_TIMEOUT);
    }

    /** A new raw-socket client connected to this server; the caller closes it. */
    public RespClient client() {
        return new RespClient(host, port);
    }

    /**
     * Starts a private server that is not running, on its port, and waits until it answers PING. Does nothing if it
     * runs already.
     */
    public synchronized void start() {
        if (!isPrivate()) {
            throw new IllegalStateException("the Redis server at " + uri + " was not started by this fixture");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        Path log = directory.resolve("redis.log");
        List<String> command = List.of(
                executable.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                LOOPBACK,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                directory.toString(),
                "--daemonize",
                "no");
        try {
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable, e);
        }
        Process started = process;
        try {
            await().atMost(Duration.ofSeconds(START_TIMEOUT_SECONDS))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !started.isAlive() || ping());
        } catch (ConditionTimeoutException e) {
            // Fall through to the check below, which reports the log.
        }
        if (!started.isAlive() || !ping()) {
            started.destroyForcibly();
            throw new IllegalStateException("private redis-server on port " + port + " did not answer PING within "
                    + START_TIMEOUT_SECONDS + " s (" + (started.isAlive() ? "still running" : "exited") + "); log "
                    + log + ":\n" + ServerSupport.tail(log, 20));
        }
    }

    /** Stops a private server gracefully (SIGTERM) and waits until it exited. */
    public synchronized void stop() {
        requirePrivate("stop");
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit(process);
        process = null;
    }

    /** Kills a private server with SIGKILL, as a crash would, and waits until it is gone. */
    public synchronized void kill() {
        requirePrivate("kill");
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(process);
        process = null;
    }

    /** Stops a private server and starts it again on the same port. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Stops a private server and deletes its directory; does nothing for the shared server. */
    @Override
    public synchronized void close() {
        if (!sharedInstance) {
            shutdown();
        }
    }

    private synchronized void shutdown() {
        if (!isPrivate()) {
            return;
        }
        if (process != null) {
            process.destroy();
            awaitExit(process);
            process = null;
        }
        PRIVATE_SERVERS.remove(this);
        ServerSupport.deleteRecursively(directory);
    }

    private static void awaitExit(Process p) {
        try {
            if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void requirePrivate(String action) {
        if (!isPrivate() || sharedInstance) {
            throw new IllegalStateException("cannot " + action + " the shared Redis server at " + uri
                    + ": tests that stop, kill or restart Redis use RedisServer.startPrivate()");
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri + (isPrivate() ? ", private" : ", shared") + "]";
    }
}
