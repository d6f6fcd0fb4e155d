package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import dev.sluice.core.BatchSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link BatchSink} that remembers every event it is given, the shape of every batch and its lifecycle calls.
 * Thread-safe: the pipeline's worker writes while the test thread reads.
 *
 * <p>Accessors return snapshots, so a test can hold on to them while the worker keeps writing.
 *
 * @param <E> the event type
 */
public class RecordingSink<E> implements BatchSink<E> {

    /** How long {@link #awaitCount(int)} waits: {@value} seconds. */
    public static final int DEFAULT_AWAIT_SECONDS = 10;

    private final List<E> events = new ArrayList<>();
    private final List<List<E>> batches = new ArrayList<>();
    private final Set<String> writerThreads = new LinkedHashSet<>();
    private int openCount;
    private int closeCount;

    @Override
    public synchronized void open() {
        openCount++;
    }

    /** Records a copy of the batch: the contract lets the caller reuse the list after the call. */
    @Override
    public synchronized void write(List<E> batch) {
        List<E> copy = List.copyOf(batch);
        batches.add(copy);
        events.addAll(copy);
        writerThreads.add(Thread.currentThread().getName());
    }

    @Override
    public synchronized void close() {
        closeCount++;
    }

    /** Every event written so far, in write order. */
    public synchronized List<E> events() {
        return List.copyOf(events);
    }

    /** Every successful batch so far, in write order. */
    public synchronized List<List<E>> batches() {
        return List.copyOf(batches);
    }

    /** The size of every successful batch so far, in write order. */
    public synchronized List<Integer> batchSizes() {
        List<Integer> sizes = new ArrayList<>(batches.size());
        batches.forEach(b -> sizes.add(b.size()));
        return Collections.unmodifiableList(sizes);
    }

    /** How many events were written so far. */
    public synchronized int count() {
        return events.size();
    }

    /** How many times {@link #open()} was called. */
    public synchronized int openCount() {
        return openCount;
    }

    /** How many times {@link #close()} was called. */
    public synchronized int closeCount() {
        return closeCount;
    }

    /** Names of the threads that called {@link #write(List)}: the contract says there is only one. */
    public synchronized Set<String> writerThreads() {
        return Set.copyOf(writerThreads);
    }

    /** Forgets everything recorded so far. */
    public synchronized void clear() {
        events.clear();
        batches.clear();
        writerThreads.clear();
        openCount = 0;
        closeCount = 0;
    }

    /**
     * Waits up to {@value #DEFAULT_AWAIT_SECONDS} seconds until at least {@code n} events were written.
     *
     * @return a snapshot of the events, at least {@code n} long
     */
    public List<E> awaitCount(int n) {
        return awaitCount(n, Duration.ofSeconds(DEFAULT_AWAIT_SECONDS));
    }

    /** Waits up to {@code timeout} until at least {@code n} events were written; returns a snapshot. */
    public List<E> awaitCount(int n, Duration timeout) {
        await("at least " + n + " events written (have " + count() + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> count() >= n);
        return events();
    }
}
