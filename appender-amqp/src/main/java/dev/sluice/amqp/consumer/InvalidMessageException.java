package dev.sluice.amqp.consumer;

/** A message the consumer cannot turn into events; it goes to the failure queue with the reason. */
final class InvalidMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    InvalidMessageException(FailureReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    FailureReason reason() {
        return reason;
    }
}
