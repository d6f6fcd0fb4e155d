package dev.sluice.queue;

import java.io.IOException;

/** A peer broke the relay protocol (a bad length, an unknown kind, a malformed hello): the connection is closed. */
public final class RelayProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public RelayProtocolException(String message) {
        super(message);
    }
}
