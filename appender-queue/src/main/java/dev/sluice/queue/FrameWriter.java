package dev.sluice.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Writes frames to a blocking channel through a buffer: many small frames go out in few writes, and
 * {@link #flush()} sends what is buffered. Not thread-safe: one writer per connection and direction.
 */
final class FrameWriter {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

    FrameWriter(WritableByteChannel channel) {
        this.channel = channel;
    }

    /** Frames an EVENT: its sequence number, then the event's JSON. */
    void event(long sequence, byte[] json) throws IOException {
        header(FrameKind.EVENT, Long.BYTES + json.length);
        ensure(Long.BYTES);
        buffer.putLong(sequence);
        put(json);
    }

    /** Frames an ACK of every event up to {@code sequence}. */
    void ack(long sequence) throws IOException {
        header(FrameKind.ACK, Long.BYTES);
        ensure(Long.BYTES);
        buffer.putLong(sequence);
    }

    /** Frames a body of the given kind (HELLO, REFUSE). */
    void frame(FrameKind kind, byte[] body) throws IOException {
        header(kind, body.length);
        put(body);
    }

    /** The size on the wire of an EVENT frame carrying {@code jsonBytes} of JSON. */
    static long eventFrameBytes(int jsonBytes) {
        return FrameReader.HEADER_BYTES + Long.BYTES + (long) jsonBytes;
    }

    void flush() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } finally {
            buffer.clear();
        }
    }

    private void header(FrameKind kind, int bodyBytes) throws IOException {
        ensure(FrameReader.HEADER_BYTES);
        buffer.putInt(1 + bodyBytes);
        buffer.put(kind.code);
    }

    private void ensure(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void put(byte[] bytes) throws IOException {
        int offset = 0;
        while (offset < bytes.length) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(buffer.remaining(), bytes.length - offset);
            buffer.put(bytes, offset, n);
            offset += n;
        }
    }
}
