package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.BatchSink;
import dev.sluice.core.PartialWriteException;
import dev.sluice.core.RetryBackoff;
import dev.sluice.core.SinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door to the sink, shared by the workers: writes are serialized (a sink may own a non-thread-safe handle), a
 * retryable failure is retried with exponential backoff up to {@code maxAttempts} writes, and a permanent failure of
 * several messages is isolated by writing them one message at a time, so that only the messages the sink refuses are
 * dead-lettered. A stop interrupts the backoff: the messages are then neither stored nor dead-lettered, and the broker
 * delivers them again.
 */
final class SinkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);

    /** The messages the sink did not store, each with the reason; empty when every message was stored. */
    record Outcome(Map<Incoming, InvalidMessageException> refused) {}

    /** The consumer stopped while the sink was failing: nothing of the batch is settled. */
    static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped while retrying the sink", null, false, false);
        }
    }

    private final BatchSink<ILoggingEvent> sink;
    private final int maxAttempts;
    private final RetryBackoff backoff;
    private final CountDownLatch stopping;
    private final ConsumerCounters counters;
    private final Object lock = new Object();

    SinkWriter(
            BatchSink<ILoggingEvent> sink,
            int maxAttempts,
            Duration initialBackoff,
            Duration maxBackoff,
            CountDownLatch stopping,
            ConsumerCounters counters) {
        this.sink = sink;
        this.maxAttempts = maxAttempts;
        Duration initial = Duration.ofMillis(Math.max(1, initialBackoff.toMillis()));
        // Never below the first delay: the doubling starts there.
        this.backoff = new RetryBackoff(initial, maxBackoff.compareTo(initial) < 0 ? initial : maxBackoff, 0.2);
        this.stopping = stopping;
        this.counters = counters;
    }

    void open() throws Exception {
        synchronized (lock) {
            sink.open();
        }
    }

    void close() {
        synchronized (lock) {
            try {
                sink.close();
            } catch (Exception e) {
                LOG.warn("Closing the sink failed.", e);
            }
        }
    }

    /** Stores the messages' events, or says which messages the sink refused; the caller acks all after this. */
    Outcome write(List<Incoming> messages) throws Stopped, InterruptedException {
        Map<Incoming, InvalidMessageException> refused = new LinkedHashMap<>();
        synchronized (lock) {
            writeOrIsolate(messages, refused);
            try {
                sink.maintain();
            } catch (Exception e) {
                LOG.warn("The sink's maintenance failed; no event is lost, it runs again after the next batch.", e);
            }
        }
        return new Outcome(refused);
    }

    private void writeOrIsolate(List<Incoming> messages, Map<Incoming, InvalidMessageException> refused)
            throws Stopped, InterruptedException {
        List<ILoggingEvent> events = new ArrayList<>();
        List<Incoming> owners = new ArrayList<>();
        for (Incoming message : messages) {
            for (ILoggingEvent event : message.events()) {
                events.add(event);
                owners.add(message);
            }
        }
        Exception permanent = writeWithRetries(events, owners, refused);
        if (permanent == null) {
            return;
        }
        if (messages.size() > 1) {
            for (Incoming message : messages) {
                writeOrIsolate(List.of(message), refused);
            }
            return;
        }
        refused.put(messages.get(0), new InvalidMessageException(FailureReason.SINK_REJECTED, describe(permanent)));
    }

    /** Null when written (refused events of a partial write are put in {@code refused}), else the permanent failure. */
    private Exception writeWithRetries(
            List<ILoggingEvent> events, List<Incoming> owners, Map<Incoming, InvalidMessageException> refused)
            throws Stopped, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                sink.write(events);
                return null;
            } catch (PartialWriteException e) {
                e.rejected()
                        .forEach((index, cause) -> refused.putIfAbsent(
                                owners.get(index),
                                new InvalidMessageException(FailureReason.SINK_REJECTED, describe(cause))));
                return null;
            } catch (SinkException e) {
                if (!e.isRetryable()) {
                    return e;
                }
                if (attempt >= maxAttempts) {
                    LOG.warn(
                            "The sink failed {} times in a row; dead-lettering {} messages.",
                            attempt,
                            owners.size(),
                            e);
                    for (Incoming owner : owners) {
                        refused.putIfAbsent(
                                owner,
                                new InvalidMessageException(
                                        FailureReason.SINK_RETRIES_EXHAUSTED,
                                        attempt + " attempts, last: " + describe(e)));
                    }
                    return null;
                }
                counters.sinkRetries.increment();
                if (attempt == 1) {
                    LOG.warn("The sink failed; retrying with backoff (up to {} attempts).", maxAttempts, e);
                }
                if (stopping.await(backoff.delayNanos(attempt), TimeUnit.NANOSECONDS)) {
                    throw new Stopped();
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                return e;
            }
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
