package dev.sluice.testing;

import dev.sluice.core.SinkException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link BatchSink} whose failures a test scripts in advance. Successful writes go to a {@link RecordingSink}.
 *
 * <p>On each write, in this order: a scripted failure queued by one of the {@code failNext...} methods is thrown
 * (first in, first out); else, if the batch contains an event matching the {@linkplain #rejectEvents(Predicate)
 * reject predicate}, the write fails permanently; else the batch is recorded. Every call counts as an attempt.
 *
 * @param <E> the event type
 */
public class FailingSink<E> extends RecorderBackedSink<E> {

    private final Deque<Supplier<? extends Throwable>> scriptedWrites = new ArrayDeque<>();
    private final Deque<Supplier<? extends Throwable>> scriptedOpens = new ArrayDeque<>();
    private Predicate<? super E> rejected = e -> false;
    private int writeAttempts;
    private int failedWrites;
    private int openAttempts;

    /** A failing sink that records its successful writes in a new {@link RecordingSink}. */
    public FailingSink() {
        this(new RecordingSink<>());
    }

    /** A failing sink that records its successful writes, opens and closes in {@code recorder}. */
    public FailingSink(RecordingSink<E> recorder) {
        super(recorder);
    }

    /** Makes the next {@code n} writes fail with a retryable {@link SinkException}. */
    public FailingSink<E> failNextWrites(int n) {
        return failNextWritesWith(n, () -> new SinkException("scripted retryable failure", true));
    }

    /** Makes the next {@code n} writes fail with a permanent {@link SinkException}. */
    public FailingSink<E> failNextWritesPermanently(int n) {
        return failNextWritesWith(n, () -> new SinkException("scripted permanent failure", false));
    }

    /** Makes the next write throw {@code error}: a sink that breaks the worker thread's assumptions. */
    public FailingSink<E> throwErrorOnNextWrite(Error error) {
        Objects.requireNonNull(error, "error");
        return failNextWritesWith(1, () -> error);
    }

    /** Makes the next {@code n} writes throw what {@code failure} supplies (any exception or error). */
    public synchronized FailingSink<E> failNextWritesWith(int n, Supplier<? extends Throwable> failure) {
        Objects.requireNonNull(failure, "failure");
        for (int i = 0; i < n; i++) {
            scriptedWrites.add(failure);
        }
        return this;
    }

    /** Makes the next {@code n} calls of {@link #open()} fail with a retryable {@link SinkException}. */
    public synchronized FailingSink<E> failNextOpens(int n) {
        for (int i = 0; i < n; i++) {
            scriptedOpens.add(() -> new SinkException("scripted retryable open failure", true));
        }
        return this;
    }

    /**
     * Permanently rejects, from now on, every batch that contains an event matching {@code poison}, the way a
     * destination rejects an event it cannot store. The pipeline should isolate and drop only that event.
     */
    public synchronized FailingSink<E> rejectEvents(Predicate<? super E> poison) {
        this.rejected = Objects.requireNonNull(poison, "poison");
        return this;
    }

    /** Forgets pending scripted failures and the reject predicate; counters and recordings are kept. */
    public synchronized FailingSink<E> reset() {
        scriptedWrites.clear();
        scriptedOpens.clear();
        rejected = e -> false;
        return this;
    }

    @Override
    public void open() throws Exception {
        Supplier<? extends Throwable> failure;
        synchronized (this) {
            openAttempts++;
            failure = scriptedOpens.poll();
        }
        if (failure != null) {
            throw asException(failure.get());
        }
        recorder.open();
    }

    @Override
    public void write(List<E> batch) throws Exception {
        Throwable failure;
        synchronized (this) {
            writeAttempts++;
            failure = nextFailure(batch);
            if (failure != null) {
                failedWrites++;
            }
        }
        if (failure != null) {
            throw asException(failure);
        }
        recorder.write(batch);
    }

    private Throwable nextFailure(List<E> batch) {
        Supplier<? extends Throwable> scripted = scriptedWrites.poll();
        if (scripted != null) {
            return scripted.get();
        }
        for (E event : batch) {
            if (rejected.test(event)) {
                return new SinkException("rejected event: " + event, false);
            }
        }
        return null;
    }

    /** Throws errors as they are; wraps a bare Throwable (neither Exception nor Error) so it can be thrown. */
    private static Exception asException(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        if (t instanceof Exception exception) {
            return exception;
        }
        return new IllegalStateException(t);
    }

    /** Every call of {@link #write(List)}, failed or not. */
    public synchronized int writeAttempts() {
        return writeAttempts;
    }

    /** Calls of {@link #write(List)} that threw. */
    public synchronized int failedWrites() {
        return failedWrites;
    }

    /** Every call of {@link #open()}, failed or not. */
    public synchronized int openAttempts() {
        return openAttempts;
    }

    /** Scripted write failures not yet thrown. */
    public synchronized int pendingFailures() {
        return scriptedWrites.size();
    }
}
