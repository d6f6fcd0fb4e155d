package dev.sluice.core;

import ch.qos.logback.core.spi.ContextAware;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded queue and the one worker thread that drains it into a {@link BatchSink}. Producers never wait under
 * {@link OverflowPolicy#DROP}; every event is counted exactly once as delivered or as dropped for one
 * {@link DropReason}. A failed write is retried as the same batch (order kept, nothing duplicated by the pipeline);
 * a permanently failing batch is written again event by event so that only the poison event is lost, unless the sink
 * names the refused events itself ({@link PartialWriteException}). A {@link ConfirmingSink} reports delivery later, from
 * any thread: its events stay counted as pending until then, and the worker flushes it when it asks and at stop.
 *
 * @param <E> the event type
 */
final class EventPipeline<E> {

    /** Put in the queue by {@link #stop()} to wake an idle worker; never handed to the sink. */
    private static final Object STOP = new Object();

    /** How often an idle worker wakes to close a drop run; 1 wake-up a second costs nothing measurable. */
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How often a producer blocked under BLOCK re-checks whether the pipeline is stopping. */
    private static final long BLOCK_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Extra time {@code stop()} gives the worker after the grace period to finish its bookkeeping. */
    private static final long JOIN_MARGIN_MILLIS = 200;

    private static final int EVENT_TEXT_LIMIT = 200;

    /** {@link #uncounted} before delivery starts: then every event in the batch is uncounted. */
    private static final int NOT_DELIVERING = -1;

    private final String appenderName;
    private final PipelineSettings settings;
    private final BatchSink<E> sink;
    /** The sink, if it confirms asynchronously, and what it has accepted but not reported; else both null. */
    private final ConfirmingSink<E> confirming;

    private final PendingConfirmations<E> confirmations;
    private final ContextAware status;
    private final ArrayBlockingQueue<Object> queue;
    private final PipelineCounters counters = new PipelineCounters();
    private final DropReporter dropReporter;
    private final AppenderStats stats;
    private final Thread worker;
    private final FailureReporter failures;
    private final Runnable afterClose;
    private final AtomicBoolean stopCalled = new AtomicBoolean();
    private final AtomicBoolean feedbackReported = new AtomicBoolean();
    private final AtomicLong rejectedReported = new AtomicLong();

    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    private volatile boolean terminated;
    private volatile int inFlight;
    private long maintenanceFailures;
    /** Events the worker holds that are not yet counted; counted as rejected if the worker's own code fails. */
    private int uncounted;

    EventPipeline(
            String appenderName,
            String threadName,
            PipelineSettings settings,
            BatchSink<E> sink,
            ContextAware status,
            Runnable afterClose) {
        this.appenderName = appenderName;
        this.settings = settings;
        this.sink = sink;
        this.status = status;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
        this.afterClose = afterClose;
        this.failures = new FailureReporter(status, appenderName);
        this.dropReporter = new DropReporter(status, appenderName, settings.droppedWarnFrequency());
        if (sink instanceof ConfirmingSink<E> confirmingSink) {
            this.confirming = confirmingSink;
            this.confirmations = new PendingConfirmations<>(counters, this::rejected);
            confirmingSink.confirmTo(confirmations);
        } else {
            this.confirming = null;
            this.confirmations = null;
        }
        this.stats = new AppenderStats(counters, queue, settings.queueSize(), sink, this::unconfirmed);
        this.worker = new Thread(this::run, threadName);
        this.worker.setDaemon(true);
    }

    void start() {
        worker.start();
    }

    AppenderStats stats() {
        return stats;
    }

    boolean isWorkerThread() {
        return Thread.currentThread() == worker;
    }

    /** Events a {@link ConfirmingSink} has accepted and not yet reported. */
    private long unconfirmed() {
        return confirmations == null ? 0 : confirmations.pending();
    }

    int remainingCapacity() {
        return queue.remainingCapacity();
    }

    /** Counts an event that the appender refused before it reached the queue. */
    void refuse(DropReason reason) {
        counters.onRefused(reason);
        reportRefusal(reason);
    }

    /** Queues an event per the overflow policy, or counts it as dropped. Never throws. */
    void offer(E event) {
        // The plain offer first: under BLOCK, waiting is only for a full queue.
        DropReason refused = queue.offer(event)
                ? null
                : settings.overflowPolicy() == OverflowPolicy.DROP ? DropReason.QUEUE_FULL : offerBlocking(event);
        if (refused != null) {
            refuse(refused);
            return;
        }
        counters.onEnqueued();
        if (terminated) {
            // The worker has gone: nothing will take this event, so count it now.
            dropLeftovers();
        }
    }

    private DropReason offerBlocking(E event) {
        long timeout = settings.appendTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        try {
            while (true) {
                long wait =
                        timeout > 0 ? Math.min(deadline - System.nanoTime(), BLOCK_RECHECK_NANOS) : BLOCK_RECHECK_NANOS;
                if (queue.offer(event, wait, TimeUnit.NANOSECONDS)) {
                    return null;
                }
                if (stopping || terminated) {
                    return DropReason.SHUTDOWN;
                }
                if (timeout > 0 && System.nanoTime() - deadline >= 0) {
                    return DropReason.QUEUE_FULL;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DropReason.QUEUE_FULL;
        }
    }

    private void reportRefusal(DropReason reason) {
        switch (reason) {
            case QUEUE_FULL, DISCARDED_BY_LEVEL -> dropReporter.onDrop(reason, settings.queueSize());
            case FEEDBACK -> {
                if (feedbackReported.compareAndSet(false, true)) {
                    status.addWarn("Appender [" + appenderName + "] refused an event logged on its own worker thread"
                            + " or by an excluded logger, to avoid a feedback loop; such events are counted as"
                            + " dropped (feedback) and not reported again.");
                }
            }
            default -> {
                // shutdown drops are reported once, by stop()
            }
        }
    }

    /**
     * Stops accepting, delivers what is queued within the grace period, then reports what could not be delivered
     * with its exact count. Only the first call does anything; it returns whether it was the first.
     */
    boolean stop() {
        if (!stopCalled.compareAndSet(false, true)) {
            return false;
        }
        long grace = settings.shutdownGracePeriod().toNanos();
        stopDeadlineNanos = System.nanoTime() + grace;
        stopping = true;
        queue.offer(STOP);
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.NANOSECONDS.toMillis(grace) + JOIN_MARGIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            reportUnfinishedStop();
            return true;
        }
        long lost = counters.dropped(DropReason.SHUTDOWN);
        if (lost > 0) {
            status.addWarn("Appender [" + appenderName + "] could not deliver " + lost
                    + " events within shutdownGracePeriod ("
                    + settings.shutdownGracePeriod().toMillis()
                    + " ms); they are counted as dropped (shutdown). " + stats);
        } else {
            status.addInfo("Appender [" + appenderName + "] stopped; every queued event was delivered. " + stats);
        }
        return true;
    }

    /** The worker is still inside the sink: count what is queued now; the worker counts its batch when it returns. */
    private void reportUnfinishedStop() {
        terminated = true;
        int stuck = inFlight;
        long unconfirmed = unconfirmed();
        long fromQueue = dropLeftovers();
        if (stuck + fromQueue + unconfirmed == 0) {
            status.addWarn("Appender [" + appenderName + "] delivered every event but its sink had not closed"
                    + " within shutdownGracePeriod ("
                    + settings.shutdownGracePeriod().toMillis() + " ms). "
                    + stats);
            return;
        }
        status.addWarn("Appender [" + appenderName + "] stopped with " + (fromQueue + stuck + unconfirmed)
                + " undelivered events after shutdownGracePeriod ("
                + settings.shutdownGracePeriod().toMillis()
                + " ms): " + fromQueue + " dropped from the queue (shutdown), " + stuck
                + " in a sink write that has not returned and are counted when it does"
                + (unconfirmed > 0
                        ? ", " + unconfirmed + " sent and not yet confirmed, counted as dropped (shutdown) unless"
                                + " confirmed before the sink closes"
                        : "")
                + ". " + stats);
    }

    private void run() {
        try {
            if (openSink()) {
                drainUntilStopped();
            }
        } finally {
            terminated = true;
            dropLeftovers();
            closeSink();
            if (confirmations != null) {
                confirmations.close();
            }
            runAfterClose();
        }
    }

    private void runAfterClose() {
        try {
            afterClose.run();
        } catch (Throwable failure) {
            status.addWarn("Appender [" + appenderName + "] failed to release its resources after stopping.", failure);
        }
    }

    private boolean openSink() {
        for (int attempt = 1; ; attempt++) {
            try {
                sink.open();
            } catch (Throwable failure) {
                counters.onFailedAttempt();
                failures.failed("open its sink", attempt, queue.size(), failure);
                // Stopping with nothing queued: there is nothing to open the sink for.
                if (!pauseBeforeRetry(attempt, () -> stopping && onlyStopQueued())) {
                    return false;
                }
                continue;
            }
            failures.succeeded("open its sink", attempt - 1);
            return true;
        }
    }

    @SuppressWarnings("unchecked")
    private void drainUntilStopped() {
        // Grows to the largest batch seen; a huge batchSize does not allocate up front.
        List<E> batch = new ArrayList<>(Math.min(settings.batchSize(), 1024));
        while (true) {
            Object first = takeFirst();
            if (first == null && stopping) {
                flushBeforeStop();
                return;
            }
            uncounted = NOT_DELIVERING;
            try {
                if (first != null && first != STOP) {
                    batch.add((E) first);
                }
                if (first != null) {
                    fill(batch);
                }
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
                dropReporter.summarizeIfQuiet(counters.droppedTotal());
                if (confirming != null && confirming.needsFlush()) {
                    flush();
                }
                if (!stopping) {
                    maintain();
                }
            } catch (Throwable unexpected) {
                // Our own code failed (a status listener, an event's toString): never let the worker die.
                countUncounted(uncounted == NOT_DELIVERING ? batch.size() : uncounted, unexpected);
            } finally {
                batch.clear();
                inFlight = 0;
            }
            if (stopping && pastStopDeadline()) {
                return;
            }
        }
    }

    /** Waits, within the grace period, until the sink has reported every event it accepted. */
    private void flushBeforeStop() {
        if (confirmations != null && confirmations.pending() > 0) {
            flush();
        }
    }

    /** Flushes a {@link ConfirmingSink}, retrying with backoff; gives up only when stopping, at the deadline. */
    private void flush() {
        for (int attempt = 1; ; attempt++) {
            try {
                confirming.flush();
                failures.succeeded("get the events it sent confirmed", attempt - 1);
                return;
            } catch (Throwable failure) {
                counters.onFailedAttempt();
                failures.failed(
                        "get " + confirmations.pending() + " events it sent confirmed", attempt, queue.size(), failure);
                if (!pauseBeforeRetry(attempt, () -> false)) {
                    return; // stopping, past the deadline: what is pending counts as shutdown when the sink closes
                }
                counters.onRetry();
            }
        }
    }

    private void maintain() {
        try {
            sink.maintain();
        } catch (Throwable failure) {
            long n = ++maintenanceFailures;
            if (Long.bitCount(n) == 1) {
                status.addWarn(
                        "Appender [" + appenderName + "] failed to run its sink's maintenance (" + n
                                + " failures so far; reported at powers of two); no event is lost, and it is tried"
                                + " again later.",
                        failure);
            }
        }
    }

    private void countUncounted(int lost, Throwable unexpected) {
        counters.onDropped(DropReason.REJECTED_BY_SINK, lost);
        try {
            status.addError(
                    "Appender [" + appenderName + "] worker hit an unexpected failure; " + lost
                            + " events of the batch in hand are counted as dropped (rejected_by_sink).",
                    unexpected);
        } catch (Throwable ignored) {
            // The status manager itself failed; the counters still hold the truth.
        }
    }

    private Object takeFirst() {
        try {
            return stopping ? queue.poll() : queue.poll(IDLE_CHECK_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Nobody in Sluice interrupts the worker; stopping is signalled through the queue.
            return null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fill(List<E> batch) {
        int max = settings.batchSize();
        queue.drainTo((List) batch, max - batch.size());
        long linger = settings.maxBatchDelay().toNanos();
        if (linger > 0 && batch.size() < max && !stopping) {
            long deadline = System.nanoTime() + linger;
            try {
                // A STOP drained behind an event ends the linger through the stopping flag.
                while (batch.size() < max && !stopping) {
                    Object next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null || next == STOP) {
                        break;
                    }
                    batch.add((E) next);
                    queue.drainTo((List) batch, max - batch.size());
                }
            } catch (InterruptedException e) {
                // deliver what we have
            }
        }
        if (stopping) {
            batch.removeIf(event -> event == STOP);
        }
    }

    private void deliver(List<E> batch) {
        inFlight = batch.size();
        uncounted = batch.size();
        Throwable permanent = write(batch);
        if (permanent == null) {
            return;
        }
        if (batch.size() == 1) {
            reject(batch.get(0), permanent);
            return;
        }
        // Isolate the poison: write each event alone, so only the events the sink refuses are lost.
        for (E event : batch) {
            Throwable alone = write(List.of(event));
            if (alone != null) {
                reject(event, alone);
            }
            inFlight = uncounted;
        }
    }

    /** Writes with retries; returns the failure if it is permanent, else null (written, or counted on shutdown). */
    private Throwable write(List<E> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                handOver(batch);
            } catch (PartialWriteException partial) {
                if (!namesEventsOf(partial, batch)) {
                    counters.onFailedAttempt();
                    return partial; // a sink bug: isolate as for any permanent failure
                }
                deliveredExcept(batch, partial, attempt);
                return null;
            } catch (SinkException failure) {
                counters.onFailedAttempt();
                if (!failure.isRetryable()) {
                    return failure;
                }
                failures.failed("write a batch of " + batch.size() + " events", attempt, queue.size(), failure);
                if (!pauseBeforeRetry(attempt, () -> false)) {
                    count(DropReason.SHUTDOWN, batch.size());
                    return null;
                }
                counters.onRetry();
                continue;
            } catch (Throwable failure) {
                // Any other exception, or an Error, is a permanent failure of this batch; the worker lives on.
                counters.onFailedAttempt();
                return failure;
            }
            if (confirming == null) {
                counters.onDelivered(batch.size());
            }
            uncounted -= batch.size(); // delivered, or pending in confirmations
            failures.succeeded("deliver a batch of " + batch.size() + " events", attempt - 1);
            return null;
        }
    }

    /** Writes the batch; a {@link ConfirmingSink}'s events are pending from before the call, unless it throws. */
    private void handOver(List<E> batch) throws Exception {
        if (confirming == null) {
            sink.write(batch);
            return;
        }
        confirmations.expect(batch.size());
        try {
            sink.write(batch);
        } catch (Throwable failure) {
            confirmations.expect(-batch.size());
            throw failure;
        }
    }

    private static boolean namesEventsOf(PartialWriteException partial, List<?> batch) {
        return partial.rejected().firstKey() >= 0 && partial.rejected().lastKey() < batch.size();
    }

    /** Counts a partial write: the refused events are rejected, the others delivered. */
    private void deliveredExcept(List<E> batch, PartialWriteException partial, int attempt) {
        int written = batch.size() - partial.rejected().size();
        counters.onDelivered(written);
        uncounted -= written;
        partial.rejected().forEach((index, cause) -> reject(batch.get(index), cause));
        failures.succeeded("deliver a batch of " + batch.size() + " events", attempt - 1);
    }

    private void count(DropReason reason, int events) {
        counters.onDropped(reason, events);
        uncounted -= events;
    }

    private void reject(E event, Throwable cause) {
        uncounted--;
        rejected(event, cause);
    }

    /** Counts and reports one event the sink refused; also called by {@link ConfirmingSink}s, from any thread. */
    private void rejected(E event, Throwable cause) {
        counters.onDropped(DropReason.REJECTED_BY_SINK, 1);
        long n = rejectedReported.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            status.addError(
                    "Appender [" + appenderName + "] dropped an event its sink rejected permanently (rejected_by_sink,"
                            + " " + n + " so far; reported at powers of two): " + describe(event),
                    cause);
        }
    }

    private boolean onlyStopQueued() {
        Object head = queue.peek();
        return head == null || (head == STOP && queue.size() == 1);
    }

    /** Parks before the next retry; false when the stop deadline has passed, or giveUp says so, and retrying must end. */
    private boolean pauseBeforeRetry(int attempt, BooleanSupplier giveUp) {
        long wakeAt = System.nanoTime() + settings.backoff().delayNanos(attempt);
        while (true) {
            if ((stopping && pastStopDeadline()) || giveUp.getAsBoolean()) {
                return false;
            }
            long now = System.nanoTime();
            long remaining = wakeAt - now;
            if (stopping) {
                remaining = Math.min(remaining, stopDeadlineNanos - now);
            }
            if (remaining <= 0) {
                return !(stopping && pastStopDeadline());
            }
            Thread.interrupted(); // a stray interrupt flag would turn the park into a busy spin
            LockSupport.parkNanos(this, remaining);
        }
    }

    private boolean pastStopDeadline() {
        return System.nanoTime() - stopDeadlineNanos >= 0;
    }

    private long dropLeftovers() {
        long count = 0;
        for (Object item; (item = queue.poll()) != null; ) {
            if (item != STOP) {
                count++;
            }
        }
        counters.onDropped(DropReason.SHUTDOWN, count);
        return count;
    }

    private void closeSink() {
        try {
            sink.close();
        } catch (Throwable failure) {
            status.addWarn("Appender [" + appenderName + "] failed to close its sink.", failure);
        }
    }

    private static String describe(Object event) {
        String text;
        try {
            text = String.valueOf(event);
        } catch (RuntimeException e) {
            text = event.getClass().getName() + " (toString failed: " + e + ")";
        }
        return text.length() <= EVENT_TEXT_LIMIT ? text : text.substring(0, EVENT_TEXT_LIMIT) + "...";
    }
}
