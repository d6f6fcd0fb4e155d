package dev.sluice.queue;

/** The kinds of relay frame; the byte after the length says which. */
enum FrameKind {
    /** Worker to server, first: who the worker is (JSON, {@link Hello}). */
    HELLO(1),
    /** Worker to server: an 8-byte sequence number, then the event's canonical JSON. */
    EVENT(2),
    /** Server to worker: an 8-byte sequence number; every event of the worker up to it has been dispatched. */
    ACK(3),
    /** Server to worker, last: why the server closes the connection (UTF-8 text). */
    REFUSE(4);

    private static final FrameKind[] BY_CODE = {null, HELLO, EVENT, ACK, REFUSE};

    final byte code;

    FrameKind(int code) {
        this.code = (byte) code;
    }

    /** The kind with this code, or null. */
    static FrameKind of(byte code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
