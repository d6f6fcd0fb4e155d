package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.sluice.core.json.EventJsonEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * A hand-driven relay client for hostile-input tests: writes frames (or any bytes) exactly as told, with no hello
 * unless asked for, and reads back what the server answers.
 */
final class RawRelayClient implements AutoCloseable {

    private static final EventJsonEncoder ENCODER = new EventJsonEncoder();
    private static final LoggerContext EVENTS = new LoggerContext();

    static {
        EVENTS.setMDCAdapter(MDC.getMDCAdapter());
    }

    final SocketChannel channel;
    private final FrameWriter writer;
    private final FrameReader reader;

    private RawRelayClient(SocketChannel channel) {
        this.channel = channel;
        this.writer = new FrameWriter(channel);
        this.reader = new FrameReader(channel, RelayServer.DEFAULT_MAX_FRAME_BYTES);
    }

    static RawRelayClient connect(RelayServer server) throws IOException {
        return new RawRelayClient(SocketChannel.open(server.address().socketAddress()));
    }

    /** A valid canonical event JSON with this logger and message. */
    static byte[] eventJson(String logger, String message) {
        return ENCODER.encode(new LoggingEvent(
                RawRelayClient.class.getName(), EVENTS.getLogger(logger), Level.INFO, message, null, null));
    }

    static byte[] helloJson(long pid, long start, String name) {
        return new Hello(pid, name, "raw-host", start, null).toJson();
    }

    /** The bytes of a frame with any length field and kind, for frames the writer would not produce. */
    static byte[] rawFrame(int length, int kind, byte[] body) {
        return ByteBuffer.allocate(FrameReader.HEADER_BYTES + body.length)
                .putInt(length)
                .put((byte) kind)
                .put(body)
                .array();
    }

    RawRelayClient hello(long pid, long start, String name) throws IOException {
        return frame(FrameKind.HELLO, helloJson(pid, start, name));
    }

    RawRelayClient frame(FrameKind kind, byte[] body) throws IOException {
        writer.frame(kind, body);
        writer.flush();
        return this;
    }

    RawRelayClient event(long sequence, byte[] json) throws IOException {
        writer.event(sequence, json);
        writer.flush();
        return this;
    }

    /** Events {@code from..to} of logger {@code logger}, with messages {@code e<sequence>}. */
    RawRelayClient events(String logger, long from, long to) throws IOException {
        for (long sequence = from; sequence <= to; sequence++) {
            writer.event(sequence, eventJson(logger, "e" + sequence));
        }
        writer.flush();
        return this;
    }

    RawRelayClient raw(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return this;
    }

    /** Ends the sending side only: the server sees the end of the stream and the client can still read. */
    RawRelayClient shutdownOutput() throws IOException {
        channel.shutdownOutput();
        return this;
    }

    /** The next frame, or null at the end of the stream (or when the server reset the connection). */
    Frame read() throws IOException {
        try {
            return reader.read();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    /** Reads (skipping ACKs) up to the REFUSE, checks that the server closed the connection then, and returns it. */
    String refusal() throws IOException {
        List<Frame> seen = new ArrayList<>();
        for (Frame frame = read(); frame != null; frame = read()) {
            if (frame.kind() == FrameKind.REFUSE) {
                assertThat(read()).as("nothing after the REFUSE").isNull();
                return frame.text();
            }
            assertThat(frame.kind()).as("frames before the REFUSE: %s", seen).isEqualTo(FrameKind.ACK);
            seen.add(frame);
        }
        throw new AssertionError("the server closed the connection without a REFUSE; it sent " + seen);
    }

    /** Reads ACKs until one acknowledges {@code sequence}, and returns it; fails on anything else. */
    long ackOf(long sequence) throws IOException {
        long last = 0;
        while (last < sequence) {
            Frame frame = read();
            assertThat(frame).as("an ACK of %d after %d", sequence, last).isNotNull();
            assertThat(frame.kind())
                    .as("%s", frame.kind() == FrameKind.REFUSE ? frame.text() : frame.kind())
                    .isEqualTo(FrameKind.ACK);
            assertThat(frame.sequence()).as("acks only grow").isGreaterThanOrEqualTo(last);
            last = frame.sequence();
        }
        return last;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
