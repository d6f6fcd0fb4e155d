package dev.sluice.core;

/**
 * Where a {@link ConfirmingSink} reports the outcome of the batches it has accepted. Thread-safe: a sink reports from
 * whichever thread learns the outcome (a client's I/O thread, the worker). Every event of an accepted batch is reported
 * exactly once, as delivered or as rejected; the pipeline counts what is still unreported at stop as dropped
 * (shutdown) and ignores reports that come after that.
 *
 * @param <E> the event type
 */
public interface Confirmations<E> {

    /** The destination confirmed {@code events} events of an accepted batch. */
    void delivered(int events);

    /** The destination refused the event for good (an unroutable message): counted as rejected_by_sink, reported. */
    void rejected(E event, Throwable cause);
}
