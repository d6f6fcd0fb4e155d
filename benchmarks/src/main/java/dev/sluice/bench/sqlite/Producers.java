package dev.sluice.bench.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;

/**
 * Application threads that log events {@code 0..n-1} through one logger, split into contiguous ranges, one per
 * thread. The threads are created and parked first, then released together, so the clock starts at the first log
 * call and not at thread creation.
 */
public final class Producers {

    /** The name of producer thread {@code k} (1-based); the raw JDBC rows use producer 1's. */
    static String threadName(int k) {
        return "producer-" + k;
    }

    private Producers() {}

    /**
     * Logs {@code events} events from {@code threads} threads and returns when every call has returned.
     *
     * @return {@link System#nanoTime()} at the moment the threads were released
     */
    static long logAll(Logger logger, long events, int threads) throws InterruptedException {
        return logAll(logger, events, threads, EventShape::log);
    }

    /**
     * Logs {@code events} events of another shape: {@code shape} logs event {@code i} through the logger.
     *
     * @return {@link System#nanoTime()} at the moment the threads were released
     */
    public static long logAll(Logger logger, long events, int threads, ObjLongConsumer<Logger> shape)
            throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>(threads);
        for (int k = 0; k < threads; k++) {
            long from = events * k / threads;
            long to = events * (k + 1) / threads;
            Thread thread = new Thread(
                    () -> {
                        try {
                            go.await();
                            for (long i = from; i < to; i++) {
                                shape.accept(logger, i);
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    threadName(k + 1));
            thread.start();
            started.add(thread);
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a producer thread failed", failure.get());
        }
        return start;
    }
}
