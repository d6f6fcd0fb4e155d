package dev.sluice.queue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One relay frame as read: its kind and body. For {@link FrameKind#EVENT} and {@link FrameKind#ACK} the body starts
 * with the sequence number.
 */
record Frame(FrameKind kind, byte[] body) {

    /** The sequence number of an EVENT or ACK frame. */
    long sequence() {
        return ByteBuffer.wrap(body, 0, Long.BYTES).getLong();
    }

    /** Where the event JSON of an EVENT frame starts in the body. */
    static int eventJsonOffset() {
        return Long.BYTES;
    }

    /** The body as UTF-8 text (REFUSE). */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
