package dev.sluice.queue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a blocking channel: {@code u32 length || u8 kind || body}, where the length counts the kind byte
 * and the body. The length is checked before anything is buffered, so a peer cannot make the reader allocate more than
 * {@code maxFrameBytes}; an unknown kind, a length out of range or an EVENT/ACK frame too short for its sequence number
 * is a {@link RelayProtocolException}. Not thread-safe: one reader per connection.
 */
final class FrameReader {

    static final int HEADER_BYTES = Integer.BYTES + 1;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final ReadableByteChannel channel;
    private final int maxFrameBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).flip();
    private long bytesRead;

    FrameReader(ReadableByteChannel channel, int maxFrameBytes) {
        this.channel = channel;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The next frame, or null if the peer closed the connection between frames. */
    Frame read() throws IOException {
        return read(maxFrameBytes);
    }

    /** The next frame, of at most {@code limit} bytes (at most {@code maxFrameBytes}); null as {@link #read()}. */
    Frame read(int limit) throws IOException {
        int max = Math.min(limit, maxFrameBytes);
        if (!fill(1, true)) {
            return null;
        }
        fill(HEADER_BYTES, false);
        int length = buffer.getInt();
        byte code = buffer.get();
        if (length < 1 || length > max) {
            throw new RelayProtocolException(
                    "a frame of " + Integer.toUnsignedString(length) + " bytes; the limit is " + max);
        }
        FrameKind kind = FrameKind.of(code);
        if (kind == null) {
            throw new RelayProtocolException("a frame of unknown kind " + code);
        }
        byte[] body = new byte[length - 1];
        if ((kind == FrameKind.EVENT || kind == FrameKind.ACK) && body.length < Long.BYTES) {
            throw new RelayProtocolException(
                    "a " + kind + " frame of " + body.length + " bytes, too short for its sequence number");
        }
        int copied = 0;
        while (copied < body.length) {
            if (!buffer.hasRemaining()) {
                fill(1, false);
            }
            int n = Math.min(buffer.remaining(), body.length - copied);
            buffer.get(body, copied, n);
            copied += n;
        }
        return new Frame(kind, body);
    }

    /** Bytes read from the channel so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** Makes at least {@code needed} bytes available; false on a clean end of stream if {@code endAllowed}. */
    private boolean fill(int needed, boolean endAllowed) throws IOException {
        if (buffer.remaining() >= needed) {
            return true;
        }
        buffer.compact();
        try {
            while (buffer.position() < needed) {
                int n = channel.read(buffer);
                if (n < 0) {
                    if (endAllowed && buffer.position() == 0) {
                        return false;
                    }
                    throw new EOFException("the connection ended in the middle of a frame");
                }
                bytesRead += n;
            }
        } finally {
            buffer.flip();
        }
        return true;
    }
}
