package dev.sluice.core.json;

/**
 * A document that {@link EventJsonDecoder} cannot turn into an event: malformed JSON, a field of the wrong type, a
 * missing required field, an unsupported schema version, or a {@link JsonLimits limit} exceeded. The message says what
 * was wrong and where, e.g. {@code field 'level': unknown level 'LOUD'}. Parts of the offending input quoted in the
 * message are shortened and stripped of control characters, so the message is safe to put into a status line.
 *
 * <p>Unchecked on purpose: it is the only exception {@code decode} throws for any input, so a receiver needs one
 * {@code catch} to count and report a bad document and go on with the next. Decoding is a pure in-memory computation
 * with no recovery other than dropping the document, and an unchecked type keeps the decoder usable from lambdas and
 * stream pipelines (the same reasoning that made Jackson 3 switch to unchecked exceptions).
 */
public class EventDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A rejection with a message that says what was wrong and where. */
    public EventDecodingException(String message) {
        super(message);
    }

    /** A rejection caused by a lower-level failure, typically Jackson's parse error. */
    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
