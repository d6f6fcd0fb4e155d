package dev.sluice.queue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.json.EventDecodingException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker's connection to the server: a reader thread that takes the hello, then reads events and hands them off
 * (blocking while the hand-off is full), and an ack thread that tells the worker how far its events are dispatched:
 * every {@code ackEvery} events, and whenever none of its events is left in the hand-off.
 * A framing error closes the connection with a REFUSE frame naming it; an event whose JSON cannot be decoded is
 * counted, reported and acknowledged (resending it would fail the same way), and the connection goes on.
 */
final class RelayConnection {

    private final SocketChannel channel;
    private final RelayServer server;
    private final String peer;
    private final Thread reader;
    private final Thread acker;
    private final Object writeLock = new Object();
    private final FrameWriter writer;
    private final AtomicInteger pending = new AtomicInteger();
    private final Object ackMonitor = new Object();
    private boolean ackWanted;
    /** Guarded by {@code writeLock}: a REFUSE was sent, and nothing may follow it. */
    private boolean refused;

    private volatile boolean closed;
    private volatile Hello hello;
    private volatile WorkerState worker;
    private long lastSignalled;

    RelayConnection(SocketChannel channel, RelayServer server, String peer, int number) {
        this.channel = channel;
        this.server = server;
        this.peer = peer;
        this.writer = new FrameWriter(channel);
        this.reader = new Thread(this::read, "sluice-relay-reader-" + number);
        this.reader.setDaemon(true);
        this.acker = new Thread(this::writeAcks, "sluice-relay-acker-" + number);
        this.acker.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    /** Whether the worker has said hello in time; the server's watchdog closes the connection otherwise. */
    boolean greeted() {
        return hello != null;
    }

    boolean isClosed() {
        return closed;
    }

    String describe() {
        Hello greeting = hello;
        return greeting == null ? peer : greeting + " via " + peer;
    }

    private void read() {
        try {
            FrameReader in = new FrameReader(channel, server.maxFrameBytes());
            // Before the hello nobody is known: a frame larger than any hello is refused unread.
            Frame first = in.read(Hello.MAX_BYTES + 1);
            if (first == null) {
                return;
            }
            if (first.kind() != FrameKind.HELLO) {
                throw new RelayProtocolException("a " + first.kind() + " frame before the hello");
            }
            Hello greeting = Hello.parse(first.body());
            server.checkToken(greeting);
            worker = server.workerState(greeting.identity());
            worker.connected(this);
            hello = greeting;
            acker.start();
            server.greeted(this);
            for (Frame frame = in.read(); frame != null; frame = in.read()) {
                if (frame.kind() != FrameKind.EVENT) {
                    throw new RelayProtocolException("a " + frame.kind() + " frame after the hello");
                }
                if (!receive(frame)) {
                    return; // the server stops
                }
            }
            server.ended(this, null);
        } catch (RelayProtocolException e) {
            broken(e);
        } catch (EOFException e) {
            // The peer stopped in the middle of a frame: as broken as a malformed one (if it still reads, it is told).
            broken(new RelayProtocolException("a truncated frame: " + e.getMessage()));
        } catch (ClosedChannelException e) {
            // closed by the server (stop, watchdog): nothing to report
        } catch (IOException e) {
            server.ended(this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    private void broken(RelayProtocolException e) {
        if (refuse(e.getMessage())) {
            server.protocolError(this, e);
        }
    }

    /**
     * Hands the event off unless it is a duplicate; false if the server stops, and the event and all after it are
     * left to the worker to resend. A worker's events are accepted and handed off under its lock: after a reconnect,
     * the new connection waits while the old one is still blocked handing off, so that neither overtakes the other
     * and each server dispatches a worker's events in order, without a gap.
     */
    private boolean receive(Frame frame) throws InterruptedException {
        long sequence = frame.sequence();
        server.received();
        synchronized (worker) {
            if (!worker.accept(sequence)) {
                server.duplicate();
                requestAck();
                return true;
            }
            ILoggingEvent event = null;
            try {
                event = server.decoder()
                        .decode(frame.body(), Frame.eventJsonOffset(), frame.body().length - Long.BYTES);
            } catch (EventDecodingException e) {
                server.undecodable(this, sequence, e);
            }
            pending.incrementAndGet();
            if (server.dispatcher().put(new Dispatcher.Handoff(event, this, sequence))) {
                return true;
            }
            pending.decrementAndGet();
            server.leftAtStop();
            return false;
        }
    }

    /** Called by the dispatcher for each of this connection's events, in order: acks every {@code ackEvery}. */
    void dispatched(long sequence) {
        worker.dispatched(sequence);
        pending.decrementAndGet();
        if (sequence - lastSignalled >= server.ackEvery()) {
            lastSignalled = sequence;
            acknowledge();
        }
    }

    /** Called by the dispatcher after a run of events: if none of this connection's is left, acks them all. */
    void drained() {
        if (pending.get() == 0) {
            acknowledge();
        }
    }

    /**
     * Acks here and, if the worker has reconnected since, on its newest connection: the worker resent these events
     * there, where they were dropped as duplicates, and waits for their ack on it.
     */
    private void acknowledge() {
        requestAck();
        RelayConnection latest = worker.latest();
        if (latest != null && latest != this) {
            latest.requestAck();
        }
    }

    private void requestAck() {
        synchronized (ackMonitor) {
            if (!ackWanted) {
                ackWanted = true;
                ackMonitor.notifyAll();
            }
        }
    }

    /** Sends the worker's dispatched sequence number whenever asked, coalescing requests that come meanwhile. */
    private void writeAcks() {
        long sent = -1;
        try {
            while (!closed) {
                synchronized (ackMonitor) {
                    while (!ackWanted && !closed) {
                        ackMonitor.wait();
                    }
                    ackWanted = false;
                }
                long dispatched = worker.dispatched();
                if (dispatched > sent && !closed) {
                    synchronized (writeLock) {
                        if (refused) {
                            return; // the REFUSE is the last frame
                        }
                        writer.ack(dispatched);
                        writer.flush();
                    }
                    sent = dispatched;
                }
            }
        } catch (IOException e) {
            close(); // the worker is gone; its reader ends too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tells the worker why the server closes the connection, best effort, as the last frame; false if the connection
     * was refused already (the watchdog and the reader may both try), so that it is counted once.
     */
    boolean refuse(String reason) {
        synchronized (writeLock) {
            if (refused) {
                return false;
            }
            refused = true;
            try {
                writer.frame(FrameKind.REFUSE, reason.getBytes(StandardCharsets.UTF_8));
                writer.flush();
            } catch (IOException e) {
                // the peer is gone already
            }
            return true;
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (ackMonitor) {
            ackMonitor.notifyAll();
        }
        WorkerState state = worker;
        if (state != null) {
            state.disconnected(this);
        }
        server.closed(this);
    }
}
