package dev.sluice.core;

import java.util.List;

/**
 * A sink whose destination confirms writes asynchronously (RabbitMQ's publisher confirms), so that the worker need not
 * wait for one batch's confirms before it sends the next: {@link #write(List)} returns once the sink has accepted the
 * batch (sent it, or holds it to send), and the sink later reports each accepted event to the {@link Confirmations}
 * given before {@link #open()}, as delivered or rejected.
 *
 * <p>The contract, on top of {@link BatchSink}'s:
 *
 * <ul>
 *   <li>If {@code write} returns normally, the batch is the sink's: it keeps its own copy, and resends what its
 *       destination loses (a lost connection, a NACK) until each event is reported. If {@code write} throws, the sink
 *       reports nothing for that batch; the pipeline retries it or counts it, as for any sink.
 *   <li>{@link #needsFlush()} tells the worker that accepted events need it: lost with a connection, refused for the
 *       moment, or unconfirmed for too long. The worker then calls {@link #flush()}, which resends them and waits until
 *       every accepted event is reported; a failure of {@code flush} is retried with backoff. The worker asks after
 *       every batch and, when the queue is idle, about once a second.
 *   <li>When stopping, the worker flushes within the shutdown grace period; events still unreported when the sink is
 *       closed are counted as dropped (shutdown).
 * </ul>
 *
 * @param <E> the event type
 */
public interface ConfirmingSink<E> extends BatchSink<E> {

    /** Called once, before {@link #open()}: where the sink reports what becomes of the batches it accepts. */
    void confirmTo(Confirmations<E> confirmations);

    /** Whether accepted events need {@link #flush()}: lost, refused for the moment, or overdue. Worker thread only. */
    boolean needsFlush();

    /**
     * Resends what was lost and waits until every accepted event is reported, or throws; a failure is retried with
     * backoff. Worker thread only.
     */
    void flush() throws Exception;
}
