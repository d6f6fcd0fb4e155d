package dev.sluice.queue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import dev.sluice.core.Confirmations;
import dev.sluice.core.ConfirmingSink;
import dev.sluice.core.SinkException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker's connection to the relay server: sends each event as a numbered frame and counts it as delivered when the
 * server acknowledges its number (every {@code ackEvery} events and whenever the worker's events are all
 * dispatched). The events not yet acknowledged are kept, at most {@code maxUnacked}; after a lost connection the
 * sink reconnects, says hello again, and resends them with the same numbers, so that the server drops what it already
 * had: at-least-once, and nothing dispatched twice by one server.
 */
final class RelaySink implements ConfirmingSink<ILoggingEvent> {

    private record Sent(long sequence, ILoggingEvent event, byte[] json, long sentNanos) {

        /** The same event, sent again now: its ack is due from now on, not from its first sending. */
        Sent resentAt(long nanos) {
            return new Sent(sequence, event, json, nanos);
        }
    }

    private final RelaySinkSettings settings;
    private final ContextAware status;
    private final String appenderName;
    /** Accepted events not yet acknowledged, oldest first; guarded by itself. */
    private final ArrayDeque<Sent> unacked = new ArrayDeque<>();

    private volatile Confirmations<ILoggingEvent> confirmations;
    private volatile Connection connection;
    private long nextSequence = 1;

    /** One connection: its channel, writer and ack reader; {@code lost} once it failed or the server refused. */
    private final class Connection {
        final SocketChannel channel;
        final FrameWriter writer;
        final Thread reader;
        volatile String lost;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.writer = new FrameWriter(channel);
            this.reader = new Thread(this::readAcks, "sluice-relay-acks-" + appenderName);
            this.reader.setDaemon(true);
        }

        private void readAcks() {
            FrameReader in = new FrameReader(channel, settings.maxFrameBytes());
            try {
                for (Frame frame = in.read(); frame != null; frame = in.read()) {
                    if (frame.kind() == FrameKind.ACK) {
                        acknowledged(frame.sequence());
                    } else if (frame.kind() == FrameKind.REFUSE) {
                        fail("the relay server refused the connection: " + frame.text());
                        status.addWarn("Appender [" + appenderName + "]: the relay server at " + settings.address()
                                + " refused the connection: " + frame.text());
                        return;
                    } else {
                        fail("the relay server sent a " + frame.kind() + " frame");
                        return;
                    }
                }
                fail("the relay server closed the connection");
            } catch (IOException e) {
                fail("the connection to the relay server failed: " + e.getMessage());
            }
        }

        void fail(String reason) {
            if (lost == null) {
                lost = reason;
            }
            close();
            synchronized (unacked) {
                unacked.notifyAll(); // a flush waiting for acks stops waiting
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    RelaySink(RelaySinkSettings settings, ContextAware status, String appenderName) {
        this.settings = settings;
        this.status = status;
        this.appenderName = appenderName;
    }

    @Override
    public void confirmTo(Confirmations<ILoggingEvent> confirmations) {
        this.confirmations = confirmations;
    }

    @Override
    public void open() throws SinkException {
        connect();
    }

    /** Connects, says hello and resends what is unacknowledged, in order. */
    private void connect() throws SinkException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(settings.address().socketAddress());
        } catch (IOException e) {
            throw SinkException.retryable("cannot connect to the relay server at " + settings.address(), e);
        }
        Connection opened = new Connection(channel);
        try {
            opened.writer.frame(FrameKind.HELLO, settings.hello().toJson());
            List<Sent> resend = new ArrayList<>();
            synchronized (unacked) {
                long now = System.nanoTime();
                unacked.forEach(sent -> resend.add(sent.resentAt(now)));
                unacked.clear();
                unacked.addAll(resend);
            }
            for (Sent sent : resend) {
                opened.writer.event(sent.sequence(), sent.json());
            }
            opened.writer.flush();
        } catch (IOException e) {
            opened.close();
            throw SinkException.retryable("cannot greet the relay server at " + settings.address(), e);
        }
        opened.reader.start();
        connection = opened;
    }

    /**
     * Accepts the batch once there is room for it among the unacknowledged events, and sends it. A connection that
     * fails while sending does not fail the write: the events are the sink's, and the core's flush resends them.
     */
    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        Connection current = live() ? connection : reconnect();
        // Room for the batch among the unacknowledged events; a lost connection ends the wait, so that the retry
        // reconnects at once.
        awaitUnackedAtMost(current, Math.max(settings.maxUnacked() - batch.size(), 0));
        List<Sent> accepted = new ArrayList<>(batch.size());
        long now = System.nanoTime();
        for (ILoggingEvent event : batch) {
            byte[] json = encode(event);
            if (json != null) {
                accepted.add(new Sent(nextSequence++, event, json, now));
            }
        }
        synchronized (unacked) {
            unacked.addAll(accepted);
        }
        try {
            for (Sent sent : accepted) {
                current.writer.event(sent.sequence(), sent.json());
            }
            current.writer.flush();
        } catch (IOException e) {
            current.fail("sending to the relay server failed: " + e.getMessage());
        }
    }

    /** The event's JSON, or null after reporting an event that cannot be sent (too large, or unencodable). */
    private byte[] encode(ILoggingEvent event) {
        byte[] json;
        try {
            json = settings.json().apply(event);
        } catch (RuntimeException e) {
            confirmations.rejected(event, e);
            return null;
        }
        if (FrameWriter.eventFrameBytes(json.length) > settings.maxFrameBytes()) {
            confirmations.rejected(
                    event,
                    SinkException.permanent(
                            "the event's JSON has " + json.length
                                    + " bytes, more than a frame may carry (maxFrameBytes " + settings.maxFrameBytes()
                                    + ")",
                            null));
            return null;
        }
        return json;
    }

    /**
     * Waits for acks until at most {@code limit} events are unacknowledged; fails, retryably, when the connection is
     * lost or no ack comes within {@code ackTimeout}.
     */
    private void awaitUnackedAtMost(Connection current, int limit) throws SinkException, InterruptedException {
        long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
        synchronized (unacked) {
            while (unacked.size() > limit) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || current.lost != null) {
                    throw SinkException.retryable(
                            unacked.size() + " events sent to the relay server at " + settings.address()
                                    + " are unacknowledged: "
                                    + (current.lost != null
                                            ? current.lost
                                            : "no ack within ackTimeout ("
                                                    + settings.ackTimeout().toMillis() + " ms)"),
                            null);
                }
                TimeUnit.NANOSECONDS.timedWait(unacked, left);
            }
        }
    }

    /** The server dispatched every event up to {@code sequence}; on the ack reader's thread. */
    private void acknowledged(long sequence) {
        synchronized (unacked) {
            int count = 0;
            while (!unacked.isEmpty() && unacked.peekFirst().sequence() <= sequence) {
                unacked.pollFirst();
                count++;
            }
            // Reported under the lock: a flush that sees no unacked events must find them counted, or a stop right
            // after it would count them as dropped (shutdown) although the server has them.
            if (count > 0) {
                confirmations.delivered(count);
            }
            unacked.notifyAll();
        }
    }

    /** Whether unacknowledged events wait on a lost connection, or for longer than {@code ackTimeout}. */
    @Override
    public boolean needsFlush() {
        boolean live = live();
        synchronized (unacked) {
            Sent oldest = unacked.peekFirst();
            return oldest != null
                    && (!live
                            || System.nanoTime() - oldest.sentNanos()
                                    > settings.ackTimeout().toNanos());
        }
    }

    private boolean live() {
        Connection current = connection;
        return current != null && current.lost == null;
    }

    /** Reconnects if need be, resending what is unacknowledged, and waits until the server acknowledged it all. */
    @Override
    public void flush() throws Exception {
        Connection current = live() && !needsFlush() ? connection : reconnect();
        awaitUnackedAtMost(current, 0);
    }

    /** Replaces the connection: connects, says hello and resends what is unacknowledged; returns the new one. */
    private Connection reconnect() throws SinkException {
        Connection old = connection;
        connection = null;
        if (old != null) {
            old.close();
        }
        connect();
        return connection;
    }

    @Override
    public boolean isConnected() {
        return live();
    }

    @Override
    public void close() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
    }
}
