package dev.sluice.core;

import java.util.List;

/**
 * Where a pipeline's worker thread delivers batches of events. Only the worker thread calls a sink, so an
 * implementation may own a non-thread-safe handle (a JDBC connection, an AMQP channel) without locking.
 *
 * <p>{@link #write(List)} either succeeds for the whole batch or throws. A {@link SinkException} says whether
 * retrying can help; any other exception is treated as a permanent failure of the batch, after which the pipeline
 * writes the batch's events one at a time to isolate the event that cannot be written. A sink that knows which events
 * its destination refused, having written the others, throws {@link PartialWriteException} instead.
 *
 * @param <E> the event type
 */
@SuppressWarnings("try") // close() may throw anything; the worker catches it
public interface BatchSink<E> extends AutoCloseable {

    /**
     * Prepares the sink on the worker thread before the first write. A {@linkplain SinkException#isRetryable()
     * retryable} failure is retried with backoff (a broker that is not up yet); the events wait in the queue.
     */
    default void open() throws Exception {}

    /** Writes every event of the batch, or throws. The list is reused after the call returns: do not keep it. */
    void write(List<E> batch) throws Exception;

    /**
     * Periodic housekeeping on the worker thread (retention, checkpoints): called after every batch and, when the
     * queue is idle, about once a second, never while stopping. The sink decides whether anything is due. A failure
     * is reported as a status warning and loses no event; the next call tries again.
     */
    default void maintain() throws Exception {}

    /** Whether the sink currently holds a live connection to its destination; a gauge only. */
    default boolean isConnected() {
        return true;
    }

    /** Releases what the sink owns. Called once, on the worker thread, after the last write. */
    @Override
    default void close() throws Exception {}
}
