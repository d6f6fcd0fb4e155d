package dev.sluice.bench;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.Flushable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The child appender behind every async appender under test: it counts each event it receives (the "delivered"
 * count of the benchmarks) and, if it has a flush cost, pays it on each {@link #flush()}, standing for a file or
 * socket flush. With {@code flushEachEvent} it flushes after every event, as a {@code FileAppender} with
 * {@code immediateFlush=true} does.
 *
 * <p>Every async appender delivers from one consumer thread, so the counters have a single writer and use ordered
 * stores instead of atomic read-modify-write instructions; other threads read them at iteration and trial
 * boundaries.
 */
final class CountingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> implements Flushable {

    private final long flushCostNanos;
    private final boolean flushEachEvent;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong flushNanos = new AtomicLong();

    CountingAppender(long flushCostNanos, boolean flushEachEvent) {
        this.flushCostNanos = flushCostNanos;
        this.flushEachEvent = flushEachEvent;
    }

    @Override
    protected void append(ILoggingEvent event) {
        delivered.lazySet(delivered.get() + 1);
        if (flushEachEvent) {
            flush();
        }
    }

    /** Pays the flush cost: parks for {@code flushCostNanos} (the kernel may add its timer slack). */
    @Override
    public void flush() {
        flushes.lazySet(flushes.get() + 1);
        if (flushCostNanos > 0) {
            long start = System.nanoTime();
            LockSupport.parkNanos(flushCostNanos);
            flushNanos.lazySet(flushNanos.get() + System.nanoTime() - start);
        }
    }

    /** Events received so far. */
    long delivered() {
        return delivered.get();
    }

    /** Flushes so far. */
    long flushes() {
        return flushes.get();
    }

    /** Time spent in flushes so far, in nanoseconds (zero without a flush cost). */
    long flushNanos() {
        return flushNanos.get();
    }
}
