package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real RabbitMQ broker for integration tests.
 *
 * <p>{@link #shared()} finds one in this order: the {@value #URI_ENV} environment variable
 * ({@code amqp://user:pass@host:port/vhost}); a broker on 127.0.0.1:{@value #DEFAULT_PORT} that answers the AMQP
 * 0-9-1 protocol header (user guest/guest); a private node started from {@code rabbitmq-server}. If none works it
 * throws, naming {@code scripts/services}: a test never skips for want of a broker. The shared broker is not the
 * test's to stop, so {@link #stop()}, {@link #kill()} and {@link #restart()} refuse to act on it and
 * {@link #close()} does nothing.
 *
 * <p>{@link #startPrivate()} always starts a private node, for tests that stop, kill or restart the broker. It is a
 * separate Erlang node ({@code sluice-<port>@localhost}) with its own AMQP and distribution ports on 127.0.0.1, no
 * plugins, and its own configuration, data, log and pid files in a temp directory, so it never touches the
 * machine's default node. When the JVM runs as root, the node and {@link #rabbitmqctl(String...)} run as the
 * {@value #OS_USER} user through {@code setpriv}: RabbitMQ should not run as root, and the node and the CLI must
 * share that user's Erlang cookie. On Debian and Ubuntu the scripts in {@code /usr/lib/rabbitmq/bin} are used rather
 * than the {@code /usr/sbin} wrappers, which would switch user themselves and write to the system log directory.
 */
public final class RabbitMqServer implements AutoCloseable {

    /** Environment variable naming the broker to test against: {@value}. */
    public static final String URI_ENV = "SLUICE_AMQP_URI";

    /** Port probed on 127.0.0.1 when {@value #URI_ENV} is not set: {@value}. */
    public static final int DEFAULT_PORT = 5672;

    /** How long a private node may take to accept AMQP connections after starting: {@value} seconds. */
    public static final int START_TIMEOUT_SECONDS = 60;

    /** How long a graceful stop, or a rabbitmqctl command, may take: {@value} seconds. */
    public static final int STOP_TIMEOUT_SECONDS = 30;

    /** The OS user a private node runs as when the JVM runs as root: {@value}. */
    public static final String OS_USER = "rabbitmq";

    private static final String LOOPBACK = "127.0.0.1";
    private static final String DEBIAN_SCRIPTS = "/usr/lib/rabbitmq/bin";
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1000);
    private static final Set<RabbitMqServer> PRIVATE_NODES = ConcurrentHashMap.newKeySet();

    private static final SharedOnce<RabbitMqServer> SHARED = new SharedOnce<>(() -> {
        RabbitMqServer found = findShared();
        found.sharedInstance = true;
        return found;
    });

    static {
        // A private node outlives the JVM unless stopped: its processes are not tied to ours.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> new ArrayList<>(PRIVATE_NODES).forEach(RabbitMqServer::shutdown),
                        "sluice-rabbitmq-fixture-shutdown"));
    }

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final String uri;
    private final PrivateNode node;
    private volatile boolean sharedInstance;

    private RabbitMqServer(
            String host, int port, String username, String password, String virtualHost, String uri, PrivateNode node) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
        this.uri = uri;
        this.node = node;
    }

    /**
     * The broker shared by all tests of this JVM; see the class comment for how it is found.
     *
     * @throws IllegalStateException if no broker can be found or started; the message names scripts/services
     */
    public static RabbitMqServer shared() {
        return SHARED.get();
    }

    private static RabbitMqServer findShared() {
        String fromEnv = System.getenv(URI_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromUri(fromEnv.trim());
        }
        if (AmqpProbe.answers(LOOPBACK, DEFAULT_PORT, PROBE_TIMEOUT)) {
            return new RabbitMqServer(
                    LOOPBACK, DEFAULT_PORT, "guest", "guest", "/", defaultUri(LOOPBACK, DEFAULT_PORT), null);
        }
        Optional<Path> scripts = scriptsDirectory();
        if (scripts.isEmpty()) {
            throw new IllegalStateException("No RabbitMQ broker for the tests: " + URI_ENV
                    + " is not set, nothing answers AMQP on " + LOOPBACK + ":" + DEFAULT_PORT
                    + ", and rabbitmq-server is not installed. " + ServerSupport.SERVICES_HINT);
        }
        try {
            return startPrivate(scripts.get());
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "No RabbitMQ broker for the tests: nothing answers AMQP on " + LOOPBACK + ":" + DEFAULT_PORT
                            + " and a private node failed to start. " + ServerSupport.SERVICES_HINT,
                    e);
        }
    }

    /** An explicitly configured broker must answer: falling back silently would test something else. */
    private static RabbitMqServer fromUri(String value) {
        String example = " is not a URI like amqp://guest:guest@127.0.0.1:5672/%2F";
        URI parsed;
        try {
            parsed = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(URI_ENV + "=" + value + example, e);
        }
        boolean tls = "amqps".equals(parsed.getScheme());
        if (parsed.getHost() == null || !(tls || "amqp".equals(parsed.getScheme()))) {
            throw new IllegalStateException(URI_ENV + "=" + value + example);
        }
        String host = parsed.getHost();
        int port = parsed.getPort() > 0 ? parsed.getPort() : tls ? 5671 : DEFAULT_PORT;
        String user = "guest";
        String pass = "guest";
        if (parsed.getRawUserInfo() != null) {
            String[] parts = parsed.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            pass = parts.length > 1 ? decode(parts[1]) : "";
        }
        // As in the AMQP URI spec: no path means the default vhost "/", otherwise the decoded path without its slash.
        String rawPath = parsed.getRawPath();
        String vhost = rawPath == null || rawPath.isEmpty() ? "/" : decode(rawPath.substring(1));
        // TLS cannot be probed with a raw header: accepting a connection is enough there.
        boolean answers = tls ? accepts(host, port) : AmqpProbe.answers(host, port, PROBE_TIMEOUT);
        if (!answers) {
            throw new IllegalStateException(URI_ENV + "=" + value + " does not answer AMQP. "
                    + ServerSupport.SERVICES_HINT + " Or unset " + URI_ENV + " to use 127.0.0.1:" + DEFAULT_PORT + ".");
        }
        return new RabbitMqServer(host, port, user, pass, vhost, value, null);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String defaultUri(String host, int port) {
        return "amqp://guest:guest@" + host + ":" + port + "/%2F";
    }

    /**
     * Starts a private RabbitMQ node on free ports and waits until it accepts AMQP connections (user guest/guest,
     * vhost "/").
     *
     * @throws IllegalStateException if RabbitMQ is not installed or the node does not come up within
     *     {@value #START_TIMEOUT_SECONDS} seconds; the message includes its logs
     */
    public static RabbitMqServer startPrivate() {
        return startPrivate(directory -> "");
    }

    /**
     * Writes what a private node needs beyond the defaults into its directory (certificates, say), and returns the
     * lines to add to its {@code rabbitmq.conf}; called before the node starts. The files end up owned by the node's
     * user.
     */
    @FunctionalInterface
    public interface NodeConfig {
        String write(Path directory) throws IOException;
    }

    /** {@link #startPrivate()} with more configuration, e.g. a TLS listener. */
    public static RabbitMqServer startPrivate(NodeConfig config) {
        Path scripts = scriptsDirectory()
                .orElseThrow(() -> new IllegalStateException(
                        "rabbitmq-server is not installed, so no private RabbitMQ node can be started. "
                                + ServerSupport.SERVICES_HINT));
        return startPrivate(scripts, config);
    }

    private static RabbitMqServer startPrivate(Path scripts) {
        return startPrivate(scripts, directory -> "");
    }

    private static RabbitMqServer startPrivate(Path scripts, NodeConfig config) {
        int port = ServerSupport.freePort();
        PrivateNode node = PrivateNode.create(scripts, port, config);
        RabbitMqServer server =
                new RabbitMqServer(LOOPBACK, port, "guest", "guest", "/", defaultUri(LOOPBACK, port), node);
        PRIVATE_NODES.add(server);
        try {
            server.node.start();
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        return server;
    }

    /** The directory holding rabbitmq-server and rabbitmqctl; see the class comment for the Debian case. */
    private static Optional<Path> scriptsDirectory() {
        return ServerSupport.findExecutable("rabbitmq-server", DEBIAN_SCRIPTS)
                .map(Path::getParent)
                .filter(dir -> Files.isExecutable(dir.resolve("rabbitmqctl")));
    }

    /** The host to connect to. */
    public String host() {
        return host;
    }

    /** The AMQP port to connect to. */
    public int port() {
        return port;
    }

    /** The user name to connect as. */
    public String username() {
        return username;
    }

    /** The password to connect with. */
    public String password() {
        return password;
    }

    /** The virtual host to use. */
    public String virtualHost() {
        return virtualHost;
    }

    /** The broker as an {@code amqp://user:pass@host:port/vhost} URI, the form the AMQP appender takes. */
    public String uri() {
        return uri;
    }

    /**
     * Whether this fixture started the node. Only a node from {@link #startPrivate()} may be stopped, killed and
     * restarted by a test; one that {@link #shared()} started is private to the JVM but shared by its tests.
     */
    public boolean isPrivate() {
        return node != null;
    }

    /** Whether the broker answers the AMQP protocol header now. */
    public boolean answers() {
        return AmqpProbe.answers(host, port, PROBE_TIMEOUT);
    }

    /** The Erlang node name of a node this fixture started, such as {@code sluice-41234@localhost}. */
    public String nodeName() {
        return requireNode("name").nodeName;
    }

    /** The temp directory holding a started node's configuration, data and logs; deleted by {@link #close()}. */
    public Path directory() {
        return requireNode("directory").directory;
    }

    /** How long the last start of a node this fixture started took, until it accepted AMQP connections. */
    public Duration startupTime() {
        return requireNode("startup time").lastStartup;
    }

    /**
     * Runs {@code rabbitmqctl -n <node> args...} against a node this fixture started, as the node's OS user, and
     * returns its output (stdout and stderr, colours removed).
     *
     * @throws IllegalStateException if the command exits non-zero or takes longer than
     *     {@value #STOP_TIMEOUT_SECONDS} seconds; the message includes the output
     */
    public String rabbitmqctl(String... args) {
        return requireNode("rabbitmqctl").rabbitmqctl(args);
    }

    /** Starts a private node that is not running, with the same ports and data, and waits until it answers. */
    public void start() {
        requireNode("start").start();
    }

    /** Stops a private node gracefully (its data is kept) and waits until its processes exited. */
    public void stop() {
        requireMutable("stop").stop();
    }

    /** Kills a private node's Erlang VM with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill() {
        requireMutable("kill").kill();
    }

    /** Stops a private node and starts it again with the same ports and data. */
    public void restart() {
        PrivateNode n = requireMutable("restart");
        n.stop();
        n.start();
    }

    /** Stops a private node and deletes its directory; does nothing for the shared broker. */
    @Override
    public void close() {
        if (!sharedInstance) {
            shutdown();
        }
    }

    private void shutdown() {
        if (node != null) {
            try {
                node.stop();
            } finally {
                PRIVATE_NODES.remove(this);
                ServerSupport.deleteRecursively(node.directory);
            }
        }
    }

    private PrivateNode requireNode(String what) {
        if (node == null) {
            throw new IllegalStateException("the RabbitMQ broker at " + host + ":" + port
                    + " was not started by this fixture, so it has no " + what
                    + " here; use RabbitMqServer.startPrivate()");
        }
        return node;
    }

    private PrivateNode requireMutable(String action) {
        if (node == null || sharedInstance) {
            throw new IllegalStateException("cannot " + action + " the shared RabbitMQ broker at " + host + ":" + port
                    + ": tests that stop, kill or restart RabbitMQ use RabbitMqServer.startPrivate()");
        }
        return node;
    }

    @Override
    public String toString() {
        return "RabbitMqServer[" + host + ":" + port + (node != null ? ", node " + node.nodeName : "")
                + (sharedInstance ? ", shared" : ", private") + "]";
    }

    /** The processes and files of one private node. */
    private static final class PrivateNode {

        private static final String ANSI_ESCAPES = "\u001B\\[[0-9;]*[A-Za-z]";

        private final Path scripts;
        private final int port;
        private final int distPort;
        private final String nodeName;
        private final Path directory;
        private final List<String> runAs;
        private final Map<String, String> environment;
        private Process process;
        private Duration lastStartup = Duration.ZERO;

        private PrivateNode(Path scripts, int port, int distPort, Path directory, List<String> runAs, String home) {
            this.scripts = scripts;
            this.port = port;
            this.distPort = distPort;
            this.nodeName = "sluice-" + port + "@localhost";
            this.directory = directory;
            this.runAs = runAs;
            this.environment = environment(home);
        }

        static PrivateNode create(Path scripts, int port, NodeConfig config) {
            List<String> runAs = List.of();
            String home = System.getProperty("user.home");
            Optional<String> userHome = ServerSupport.runningAsRoot() ? homeOf(OS_USER) : Optional.empty();
            if (userHome.isPresent()) {
                Path setpriv = ServerSupport.findExecutable("setpriv")
                        .orElseThrow(() -> new IllegalStateException(
                                "setpriv (util-linux) is needed to run a private RabbitMQ node as " + OS_USER));
                runAs = List.of(setpriv.toString(), "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--");
                home = userHome.get();
            }
            Path directory;
            try {
                directory = Files.createTempDirectory("sluice-rabbitmq-");
                Files.createDirectories(directory.resolve("mnesia"));
                Files.createDirectories(directory.resolve("log"));
                // No plugins: nothing else listens, so nodes never clash on a management or metrics port.
                Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
                // Own (empty) config files, so the machine's /etc/rabbitmq settings, which name the default
                // node's port and node name, do not apply.
                Files.writeString(
                        directory.resolve("rabbitmq.conf"), "# private test node\n" + config.write(directory));
                Files.writeString(directory.resolve("rabbitmq-env.conf"), "# private test node: see the environment\n");
                if (!runAs.isEmpty()) {
                    chownTree(directory, OS_USER);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for a private RabbitMQ node", e);
            }
            return new PrivateNode(scripts, port, ServerSupport.freePort(), directory, runAs, home);
        }

        private Map<String, String> environment(String home) {
            Map<String, String> env = new HashMap<>(System.getenv());
            // Settings meant for another node must not leak in; NOTIFY_SOCKET would make the script think it runs
            // under systemd and change how it starts.
            env.keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("ERL_") || k.equals("NOTIFY_SOCKET"));
            env.put("HOME", home);
            env.put("LC_ALL", "C.UTF-8");
            env.put("LANG", "C.UTF-8");
            env.put("RABBITMQ_NODENAME", nodeName);
            env.put("RABBITMQ_NODE_IP_ADDRESS", LOOPBACK);
            env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
            env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
            env.put("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString());
            env.put("RABBITMQ_LOG_BASE", directory.resolve("log").toString());
            env.put("RABBITMQ_PID_FILE", directory.resolve("rabbitmq.pid").toString());
            env.put(
                    "RABBITMQ_ENABLED_PLUGINS_FILE",
                    directory.resolve("enabled_plugins").toString());
            env.put("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString());
            env.put(
                    "RABBITMQ_ADVANCED_CONFIG_FILE",
                    directory.resolve("advanced.config").toString());
            env.put(
                    "RABBITMQ_CONF_ENV_FILE",
                    directory.resolve("rabbitmq-env.conf").toString());
            env.put("ERL_EPMD_ADDRESS", LOOPBACK);
            env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
            return Map.copyOf(env);
        }

        synchronized void start() {
            if (process != null && process.isAlive()) {
                return;
            }
            Path console = directory.resolve("console.log");
            long begin = System.nanoTime();
            try {
                process = command(List.of(scripts.resolve("rabbitmq-server").toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + scripts.resolve("rabbitmq-server"), e);
            }
            Process started = process;
            try {
                await().atMost(Duration.ofSeconds(START_TIMEOUT_SECONDS))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !started.isAlive() || AmqpProbe.answers(LOOPBACK, port, PROBE_TIMEOUT));
            } catch (ConditionTimeoutException e) {
                // Reported below, with the logs.
            }
            if (!started.isAlive() || !AmqpProbe.answers(LOOPBACK, port, PROBE_TIMEOUT)) {
                boolean running = started.isAlive();
                kill();
                throw new IllegalStateException("private RabbitMQ node " + nodeName + " did not accept AMQP on port "
                        + port + " within " + START_TIMEOUT_SECONDS + " s (" + (running ? "still running" : "exited")
                        + ").\nconsole " + console + ":\n" + ServerSupport.tail(console, 30) + "\nnode log:\n"
                        + ServerSupport.tail(directory.resolve("log").resolve(nodeName + ".log"), 30));
            }
            lastStartup = Duration.ofNanos(System.nanoTime() - begin);
        }

        /** SIGTERM to the start script, which relays it to the VM: RabbitMQ's own graceful shutdown. */
        synchronized void stop() {
            if (process == null) {
                return;
            }
            process.destroy();
            if (!awaitExit(process, STOP_TIMEOUT_SECONDS)) {
                kill();
            }
            process = null;
        }

        synchronized void kill() {
            if (process == null) {
                return;
            }
            // Only our own descendants: a pid file could name a process that reused the pid.
            List<ProcessHandle> vms = process.descendants()
                    .filter(p -> p.info().command().orElse("").contains("beam"))
                    .toList();
            vms.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            awaitExit(process, STOP_TIMEOUT_SECONDS);
            try {
                await().atMost(Duration.ofSeconds(STOP_TIMEOUT_SECONDS))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> vms.stream().noneMatch(ProcessHandle::isAlive));
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException("the Erlang VM of " + nodeName + " survived SIGKILL", e);
            }
            process = null;
        }

        String rabbitmqctl(String... args) {
            List<String> command = new ArrayList<>();
            command.add(scripts.resolve("rabbitmqctl").toString());
            command.add("-n");
            command.add(nodeName);
            command.addAll(List.of(args));
            Path output = null;
            try {
                output = Files.createTempFile("sluice-rabbitmqctl-", ".out");
                Process ctl = command(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                boolean exited = awaitExit(ctl, STOP_TIMEOUT_SECONDS);
                String text = Files.readString(output).replaceAll(ANSI_ESCAPES, "");
                if (!exited) {
                    ctl.destroyForcibly();
                    throw new IllegalStateException("rabbitmqctl -n " + nodeName + " " + String.join(" ", args)
                            + " did not finish within " + STOP_TIMEOUT_SECONDS + " s:\n" + text);
                }
                if (ctl.exitValue() != 0) {
                    throw new IllegalStateException("rabbitmqctl -n " + nodeName + " " + String.join(" ", args)
                            + " exited with " + ctl.exitValue() + ":\n" + text);
                }
                return text;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run rabbitmqctl", e);
            } finally {
                if (output != null) {
                    output.toFile().delete();
                }
            }
        }

        private ProcessBuilder command(List<String> command) {
            List<String> full = new ArrayList<>(runAs);
            full.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(full).directory(directory.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            return builder;
        }

        private static boolean awaitExit(Process p, int seconds) {
            try {
                return p.waitFor(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !p.isAlive();
            }
        }

        /** The home directory of an OS user, from /etc/passwd; empty if there is no such user. */
        private static Optional<String> homeOf(String user) {
            try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
                return lines.map(l -> l.split(":", -1))
                        .filter(f -> f.length >= 6 && f[0].equals(user))
                        .map(f -> f[5])
                        .findFirst();
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }

        private static void chownTree(Path root, String user) throws IOException {
            UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
            var owner = lookup.lookupPrincipalByName(user);
            var group = lookupGroup(lookup, user);
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Files.setOwner(p, owner);
                    if (group != null) {
                        Files.getFileAttributeView(p, PosixFileAttributeView.class)
                                .setGroup(group);
                    }
                }
            }
        }

        private static GroupPrincipal lookupGroup(UserPrincipalLookupService lookup, String name) throws IOException {
            try {
                return lookup.lookupPrincipalByGroupName(name);
            } catch (UserPrincipalNotFoundException e) {
                return null;
            }
        }
    }
}
