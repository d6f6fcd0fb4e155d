package dev.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, which a test points a client at to inject network faults: cut
 * every connection, swallow all traffic, or slow it down. Plain blocking sockets; two daemon threads and two buffers
 * of {@value #BUFFER_SIZE} bytes per connection, at most {@value #MAX_CONNECTIONS} connections, so memory stays
 * bounded whatever the traffic.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
 *     // point the client at 127.0.0.1:proxy.port() ...
 *     proxy.cutAll();
 * }
 * }</pre>
 *
 * <p>Every connection to the proxy opens one connection to the target; if the target refuses, the proxy closes the
 * client's connection, as a refused connection looks to a client behind a load balancer.
 */
public final class FaultProxy implements AutoCloseable {

    /** Bytes read and forwarded at a time, per direction of a connection: {@value}. */
    public static final int BUFFER_SIZE = 16 * 1024;

    /** Connections the proxy holds at once; more are closed on arrival: {@value}. */
    public static final int MAX_CONNECTIONS = 256;

    /** How long the proxy waits to connect to the target: {@value} ms. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean blackholed;
    private volatile Duration latency = Duration.ZERO;
    private final Thread acceptor;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, ServerSocket server) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
        this.acceptor = daemon(this::acceptLoop, "sluice-fault-proxy-" + server.getLocalPort() + "-accept");
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards to targetHost:targetPort. */
    public static FaultProxy start(String targetHost, int targetPort) {
        Objects.requireNonNull(targetHost, "targetHost");
        ServerSocket server;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        FaultProxy proxy = new FaultProxy(targetHost, targetPort, server);
        proxy.acceptor.start();
        return proxy;
    }

    /** The host clients connect to: {@code 127.0.0.1}. */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Closes every current connection abruptly (a TCP reset) on both sides, as a network failure or a broker crash
     * would; new connections are accepted as before.
     */
    public void cutAll() {
        new ArrayList<>(connections).forEach(Connection::abort);
    }

    /**
     * While on, keeps connections open but silently drops every byte in both directions, current and new
     * connections alike: the client sees neither data nor an error, only timeouts. Turning it off forwards later
     * bytes again; what was dropped stays lost.
     */
    public void blackhole(boolean on) {
        this.blackholed = on;
    }

    /**
     * Delays each chunk of bytes by {@code delay} before forwarding it, in both directions, so a request and its
     * reply take at least twice the delay. Chunks are delayed one after another, which also caps throughput at one
     * buffer per delay and direction.
     */
    public void setLatency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        this.latency = delay;
    }

    /** Back to plain forwarding: no blackhole, no latency. Current connections are kept. */
    public void reset() {
        blackholed = false;
        latency = Duration.ZERO;
    }

    /** Connections open right now. */
    public int connectionCount() {
        return connections.size();
    }

    /** Connections accepted since the proxy started. */
    public long acceptedCount() {
        return accepted.get();
    }

    /** Stops listening and cuts every connection; when it returns, connecting to {@link #port()} is refused. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listening socket only fails if it is already closed.
        }
        try {
            // The JDK releases a listening socket only once the thread blocked in accept() has left it.
            acceptor.join(CONNECT_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cutAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (connections.size() >= MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            Connection connection = new Connection(client, ids.incrementAndGet());
            connections.add(connection);
            // Connecting to the target can take a while; it must not hold up the next client.
            daemon(connection::run, "sluice-fault-proxy-" + port() + "-" + connection.id + "-up")
                    .start();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    /** One client connection and its connection to the target, with a pump thread per direction. */
    private final class Connection {

        private final Socket client;
        private final Socket upstream = new Socket();
        private final int id;
        private final AtomicInteger openDirections = new AtomicInteger(2);
        private volatile boolean aborted;

        Connection(Socket client, int id) {
            this.client = client;
            this.id = id;
        }

        void run() {
            try {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                abort();
                return;
            }
            if (aborted) {
                // cutAll() or close() ran while we were connecting.
                abort();
                return;
            }
            daemon(() -> pump(upstream, client), "sluice-fault-proxy-" + port() + "-" + id + "-down")
                    .start();
            pump(client, upstream);
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        // Pass the half-close on, so a peer waiting for end of input sees it.
                        to.shutdownOutput();
                        if (openDirections.decrementAndGet() == 0) {
                            finish();
                        }
                        return;
                    }
                    delay(latency);
                    if (blackholed) {
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                abort();
            }
        }

        /** Waits out the delay; parkNanos may return early, so loop on the clock. */
        private void delay(Duration delay) {
            if (delay.isZero()) {
                return;
            }
            long deadline = System.nanoTime() + delay.toNanos();
            long remaining;
            while (!aborted && (remaining = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
            }
        }

        /** Both directions ended cleanly. */
        private void finish() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }

        /** Closes both sockets with a reset (SO_LINGER 0) rather than a clean end of stream. */
        void abort() {
            aborted = true;
            connections.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }

        private void resetQuietly(Socket socket) {
            try {
                if (!socket.isClosed()) {
                    socket.setSoLinger(true, 0);
                }
            } catch (SocketException ignored) {
                // The socket is already closed or was never connected; closing is all that is left.
            }
            closeQuietly(socket);
        }
    }
}
