package dev.sluice.core;

/** A failed {@link BatchSink} call that says whether retrying the same batch can help. */
public class SinkException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public SinkException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public SinkException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** A failure that may pass: a lost connection, a busy database, a broker that refused for now. */
    public static SinkException retryable(String message, Throwable cause) {
        return new SinkException(message, cause, true);
    }

    /** A failure that retrying the same input cannot fix: an event the destination rejects. */
    public static SinkException permanent(String message, Throwable cause) {
        return new SinkException(message, cause, false);
    }

    public boolean isRetryable() {
        return retryable;
    }
}
