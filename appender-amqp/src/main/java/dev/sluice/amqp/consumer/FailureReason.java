package dev.sluice.amqp.consumer;

import java.util.Locale;

/**
 * Why the consumer moved a message to the failure queue. The header {@value #HEADER} of the dead-lettered copy holds
 * {@code <code>: <detail>}, such as {@code malformed: field 'level': unknown level 'LOUD'}.
 */
public enum FailureReason {
    /** The body is not a valid event: not JSON, too deep, a missing or wrong field, a limit exceeded. */
    MALFORMED,
    /** The content type is neither {@code application/json} nor {@code application/x-ndjson}. */
    UNSUPPORTED_CONTENT_TYPE,
    /** The body is larger than {@code maxMessageBytes}. */
    TOO_LARGE,
    /** The sink refused the message's events permanently. */
    SINK_REJECTED,
    /** The sink failed on every one of {@code maxSinkAttempts} attempts. */
    SINK_RETRIES_EXHAUSTED;

    /** The header naming the reason on a dead-lettered message: {@value}. */
    public static final String HEADER = "x-sluice-failure-reason";

    /** The reason's code in the header: {@code malformed}, {@code too_large}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
