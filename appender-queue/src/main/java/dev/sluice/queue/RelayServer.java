package dev.sluice.queue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import ch.qos.logback.core.util.Duration;
import dev.sluice.core.json.EventDecodingException;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.core.json.JsonLimits;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The central process's side of the relay: accepts worker connections on a Unix-domain socket in a directory only
 * this user can enter (peer uid checked), or on TCP loopback with a token from a file only this user can read; reads
 * their events and dispatches them through this context's loggers, so that the central {@code logback.xml} decides
 * levels, filters and appenders. Start it from code, or declare {@link RelayServerListener} in {@code logback.xml}.
 *
 * <p>Back-pressure: events pass through a bounded hand-off ({@code handoffCapacity}); when it is full the server
 * stops reading, and the workers' own queues absorb, then count their drops. Every limit is checked before memory is
 * used: frame length ({@code maxFrameBytes}), the event JSON's depth, strings and collections ({@link JsonLimits}),
 * connections ({@code maxConnections}) and the time to say hello ({@code handshakeTimeout}). A peer that breaks the
 * protocol is told why and disconnected; everyone else is served on.
 */
public class RelayServer extends ContextAwareBase implements LifeCycle {

    /** Default {@code transport}. */
    public static final String DEFAULT_TRANSPORT = "unix";
    /** Default {@code maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default {@code handshakeTimeout}. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    /** Default {@code maxFrameBytes}: {@value} (1 MiB). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** Default {@code handoffCapacity}. */
    public static final int DEFAULT_HANDOFF_CAPACITY = 8192;
    /** Default {@code ackEvery}. */
    public static final int DEFAULT_ACK_EVERY = 256;

    private static final long STOP_DRAIN_MILLIS = 5_000;

    /** Worker identities remembered for de-duplication, at most; idle ones beyond it are forgotten, oldest first. */
    static final int MAX_WORKER_STATES = 4096;

    private String transport = DEFAULT_TRANSPORT;
    private String socketDirectory;
    private int port;
    private String tokenFile;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration handshakeTimeout = Duration.buildByMilliseconds(DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int handoffCapacity = DEFAULT_HANDOFF_CAPACITY;
    private int ackEvery = DEFAULT_ACK_EVERY;

    private final Set<RelayConnection> connections = ConcurrentHashMap.newKeySet();
    private final WorkerStates workers = new WorkerStates(MAX_WORKER_STATES);
    private final LongAdder received = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder leftAtStop = new LongAdder();
    private final AtomicLong acceptedConnections = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();

    private volatile boolean started;
    private ServerSocketChannel server;
    private RelayAddress address;
    private Path socketFile;
    private Path generatedTokenFile;
    private String token;
    private UserPrincipal user;
    private EventJsonDecoder decoder;
    private Dispatcher dispatcher;
    private ScheduledExecutorService watchdog;
    private Thread acceptor;

    @Override
    public void start() {
        if (started) {
            return;
        }
        if (!(getContext() instanceof LoggerContext loggerContext)) {
            addError("The relay server needs a Logback LoggerContext to dispatch into; it was not started.");
            return;
        }
        String problem = problemWithSettings();
        if (problem != null) {
            addError("The relay server was not started: " + problem);
            return;
        }
        try {
            bind();
        } catch (IOException | RuntimeException e) {
            addError("The relay server could not listen: " + e.getMessage(), e);
            closeQuietly();
            return;
        }
        decoder = new EventJsonDecoder(
                JsonLimits.builder().maxDocumentBytes(maxFrameBytes).build());
        dispatcher = new Dispatcher(loggerContext, handoffCapacity, this);
        dispatcher.start();
        watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-relay-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        acceptor = new Thread(this::acceptLoop, "sluice-relay-acceptor");
        acceptor.setDaemon(true);
        started = true;
        acceptor.start();
        addInfo("The relay server listens on " + address + (address.isUnix() ? "" : " (token in " + tokenPath() + ")")
                + "; workers find it through " + RelayAddress.ENVIRONMENT_VARIABLE + " or -D"
                + RelayAddress.SYSTEM_PROPERTY + ".");
    }

    private String problemWithSettings() {
        if (!transport.equalsIgnoreCase("unix") && !transport.equalsIgnoreCase("tcp")) {
            return "transport must be unix or tcp, was '" + transport + "'.";
        }
        if (port < 0 || port > 65535) {
            return "port must be between 0 (any free port) and 65535, was " + port + ".";
        }
        if (maxConnections < 1 || handoffCapacity < 1 || ackEvery < 1) {
            return "maxConnections, handoffCapacity and ackEvery must be at least 1.";
        }
        if (maxFrameBytes < 1024) {
            return "maxFrameBytes must be at least 1024, was " + maxFrameBytes + ".";
        }
        if (handshakeTimeout == null || handshakeTimeout.getMilliseconds() < 1) {
            return "handshakeTimeout must be positive, was " + handshakeTimeout + ".";
        }
        return null;
    }

    private void bind() throws IOException {
        Path directory = socketDirectoryPath();
        PrivateFiles.directory(directory);
        user = PrivateFiles.currentUser(directory);
        if (transport.equalsIgnoreCase("unix")) {
            socketFile = ownFile(directory, ".sock");
            Files.deleteIfExists(socketFile); // a stale socket of an earlier process with this pid
            address = RelayAddress.unix(socketFile);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            if (tokenFile != null) {
                token = PrivateFiles.readToken(Path.of(tokenFile));
            } else {
                generatedTokenFile = ownFile(directory, ".token");
                token = PrivateFiles.newToken(generatedTokenFile);
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            address = RelayAddress.tcp(port);
        }
        server.bind(address.socketAddress(), maxConnections);
        if (!address.isUnix()) {
            address = RelayAddress.tcp(((java.net.InetSocketAddress) server.getLocalAddress()).getPort());
        }
    }

    /** This process's file of that extension in the directory: {@code relay-<pid><extension>}. */
    private static Path ownFile(Path directory, String extension) {
        return directory.resolve("relay-" + ProcessHandle.current().pid() + extension);
    }

    /** {@code socketDirectory}, else {@code $XDG_RUNTIME_DIR/sluice}, else {@code <java.io.tmpdir>/sluice-<user>}. */
    private Path socketDirectoryPath() {
        if (socketDirectory != null && !socketDirectory.isBlank()) {
            return Path.of(socketDirectory).toAbsolutePath();
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "sluice");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sluice-" + System.getProperty("user.name"));
    }

    private Path tokenPath() {
        return generatedTokenFile != null ? generatedTokenFile : Path.of(tokenFile);
    }

    private void acceptLoop() {
        while (started) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (started) {
                    addWarn("The relay server stopped accepting connections: " + e.getMessage(), e);
                }
                return;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        String peer = describePeer(channel);
        RelayConnection connection =
                new RelayConnection(channel, this, peer, (int) acceptedConnections.incrementAndGet());
        String refusal = refusalOf(channel);
        if (refusal != null) {
            refusedConnections.increment();
            connection.refuse(refusal);
            connection.close();
            reportRarely("refused a connection from " + peer + ": " + refusal, null);
            return;
        }
        connections.add(connection);
        watchdog.schedule(
                () -> {
                    if (!connection.greeted()
                            && !connection.isClosed()
                            && connection.refuse("no hello within handshakeTimeout")) {
                        protocolErrors.increment();
                        connection.close();
                        reportRarely(
                                "closed a connection from " + peer + " that sent no hello within handshakeTimeout ("
                                        + handshakeTimeout + ")",
                                null);
                    }
                },
                handshakeTimeout.getMilliseconds(),
                TimeUnit.MILLISECONDS);
        connection.start();
    }

    /** Why a new connection is refused before it may say anything, or null. */
    private String refusalOf(SocketChannel channel) {
        if (connections.size() >= maxConnections) {
            return "the server already serves maxConnections (" + maxConnections + ") workers";
        }
        if (address.isUnix()) {
            try {
                UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
                if (!peer.user().equals(user)) {
                    return "the peer runs as " + peer.user().getName() + ", not as " + user.getName();
                }
            } catch (IOException | UnsupportedOperationException e) {
                return "the peer's user cannot be checked: " + e.getMessage();
            }
        }
        return null;
    }

    private static String describePeer(SocketChannel channel) {
        try {
            Object remote = channel.getRemoteAddress();
            return remote == null || remote.toString().isEmpty() ? "a local process" : remote.toString();
        } catch (IOException e) {
            return "a peer";
        }
    }

    /** Over TCP, the hello must carry the token; compared in constant time. */
    void checkToken(Hello hello) throws RelayProtocolException {
        if (token == null) {
            return;
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        byte[] given = hello.token() == null ? new byte[0] : hello.token().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new RelayProtocolException("a hello without the right token");
        }
    }

    WorkerState workerState(WorkerIdentity identity) {
        return workers.of(identity);
    }

    void greeted(RelayConnection connection) {
        addInfo("The relay server accepted " + connection.describe() + ".");
    }

    void ended(RelayConnection connection, IOException failure) {
        addInfo("The relay server's connection from " + connection.describe() + " ended"
                + (failure == null ? "." : ": " + failure.getMessage()));
    }

    void protocolError(RelayConnection connection, RelayProtocolException e) {
        protocolErrors.increment();
        reportRarely("closed the connection from " + connection.describe() + ", which sent " + e.getMessage(), null);
    }

    void undecodable(RelayConnection connection, long sequence, EventDecodingException e) {
        undecodable.increment();
        reportRarely(
                "dropped event " + sequence + " from " + connection.describe() + ", whose JSON it cannot decode", e);
    }

    void dispatchFailed(ILoggingEvent event, Throwable e) {
        reportRarely("failed to dispatch an event of logger " + event.getLoggerName(), e);
    }

    /** Reports problems at the 1st, 2nd, 4th, … occurrence, so that a hostile peer cannot flood the statuses. */
    private void reportRarely(String what, Throwable cause) {
        long n = reported.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            addWarn("The relay server " + what + " (" + n + " problems so far; reported at powers of two).", cause);
        }
    }

    void closed(RelayConnection connection) {
        connections.remove(connection);
    }

    void received() {
        received.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void leftAtStop() {
        leftAtStop.increment();
    }

    EventJsonDecoder decoder() {
        return decoder;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    int ackEvery() {
        return ackEvery;
    }

    /**
     * Stops accepting, closes every connection, dispatches what was already read (within 5 seconds), and removes the
     * socket and a generated token file. Idempotent.
     */
    @Override
    public void stop() {
        if (!started) {
            return;
        }
        started = false;
        closeQuietly();
        connections.forEach(RelayConnection::close);
        watchdog.shutdownNow();
        try {
            dispatcher.stop(STOP_DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        addInfo("The relay server stopped: " + received.sum() + " events received, " + dispatcher.dispatched()
                + " dispatched, " + duplicates.sum() + " duplicates dropped, " + undecodable.sum()
                + " undecodable, " + protocolErrors.sum() + " connections closed for protocol errors, "
                + refusedConnections.sum() + " refused; " + leftAtStop.sum()
                + " events read while it stopped are left to their workers to resend.");
    }

    private void closeQuietly() {
        try {
            if (server != null) {
                server.close();
            }
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
            if (generatedTokenFile != null) {
                Files.deleteIfExists(generatedTokenFile);
            }
        } catch (IOException e) {
            addWarn("The relay server could not remove its socket or token file: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    /** Where workers connect; null until started. */
    public RelayAddress address() {
        return address;
    }

    /** The TCP token file (given or generated); null for the Unix-domain transport. */
    public Path tokenFile() {
        return address == null || address.isUnix() ? null : tokenPath();
    }

    public long getEventsReceived() {
        return received.sum();
    }

    public long getEventsDispatched() {
        return dispatcher == null ? 0 : dispatcher.dispatched();
    }

    public long getDuplicatesDropped() {
        return duplicates.sum();
    }

    public long getUndecodableEvents() {
        return undecodable.sum();
    }

    public long getProtocolErrors() {
        return protocolErrors.sum();
    }

    public long getRefusedConnections() {
        return refusedConnections.sum();
    }

    /**
     * Events read from a worker but not handed off because the server was stopping: the worker still holds them (they
     * are unacknowledged) and resends them to the next server.
     */
    public long getEventsLeftAtStop() {
        return leftAtStop.sum();
    }

    /** Worker identities the server remembers for de-duplication (at most 4096 beyond the connected ones). */
    public int getKnownWorkers() {
        return workers.size();
    }

    public int getConnections() {
        return connections.size();
    }

    public int getHandoffDepth() {
        return dispatcher == null ? 0 : dispatcher.depth();
    }

    /** {@code unix} (default) or {@code tcp} (loopback only, with a token). */
    public void setTransport(String transport) {
        this.transport = transport == null ? DEFAULT_TRANSPORT : transport.trim();
    }

    /** The directory of the socket (and of a generated token file), made or checked to be 0700. */
    public void setSocketDirectory(String socketDirectory) {
        this.socketDirectory = socketDirectory;
    }

    /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
    public void setPort(int port) {
        this.port = port;
    }

    /** TCP: a file (0600) holding the token workers must send; default: a new random token in the socket directory. */
    public void setTokenFile(String tokenFile) {
        this.tokenFile = tokenFile;
    }

    /** Default {@value #DEFAULT_MAX_CONNECTIONS}. */
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** How long a new connection may take to say hello. Default 5 seconds. */
    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** The largest frame accepted. Default {@value #DEFAULT_MAX_FRAME_BYTES}. */
    public void setMaxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Events read and not yet dispatched, at most. Default {@value #DEFAULT_HANDOFF_CAPACITY}. */
    public void setHandoffCapacity(int handoffCapacity) {
        this.handoffCapacity = handoffCapacity;
    }

    /** A worker is acknowledged at least every this many dispatched events. Default {@value #DEFAULT_ACK_EVERY}. */
    public void setAckEvery(int ackEvery) {
        this.ackEvery = ackEvery;
    }
}
