package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/**
 * A {@link BatchSink} whose writes block until the test opens its gate: a destination that has stalled, so a test can
 * fill the queue, observe overflow and shutdown behaviour, then let the worker go. The gate starts closed.
 *
 * <p>The gate methods are named {@link #openGate()} and {@link #closeGate()} because {@link #open()} and
 * {@link #close()} are the sink's own lifecycle. Writes that pass the gate go to a {@link RecordingSink}. A blocked
 * write ends with {@link InterruptedException} if its thread is interrupted, as a worker being stopped would be.
 *
 * @param <E> the event type
 */
public class GatedSink<E> extends RecorderBackedSink<E> {

    private final Object lock = new Object();
    private boolean gateOpen;
    private int blocked;

    /** A closed gate in front of a new {@link RecordingSink}. */
    public GatedSink() {
        this(new RecordingSink<>());
    }

    /** A closed gate in front of {@code recorder}. */
    public GatedSink(RecordingSink<E> recorder) {
        super(recorder);
    }

    /** Lets every blocked and future write through. */
    public void openGate() {
        synchronized (lock) {
            gateOpen = true;
            lock.notifyAll();
        }
    }

    /** Makes future writes block again; a write already past the gate completes. */
    public void closeGate() {
        synchronized (lock) {
            gateOpen = false;
        }
    }

    /** Whether writes currently pass. */
    public boolean isGateOpen() {
        synchronized (lock) {
            return gateOpen;
        }
    }

    /** How many threads are waiting at the gate right now. */
    public int blockedCount() {
        synchronized (lock) {
            return blocked;
        }
    }

    /**
     * Waits up to {@value RecordingSink#DEFAULT_AWAIT_SECONDS} seconds until a writer is blocked at the gate, so the
     * test knows the worker holds a batch and is stuck.
     */
    public void awaitBlocked() {
        await("a writer blocked at the gate")
                .atMost(Duration.ofSeconds(RecordingSink.DEFAULT_AWAIT_SECONDS))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> blockedCount() > 0);
    }

    @Override
    public void open() {
        recorder.open();
    }

    @Override
    public void write(List<E> batch) throws InterruptedException {
        synchronized (lock) {
            // Count only writers that really wait, so awaitBlocked() means "stuck", not "passing through".
            if (!gateOpen) {
                blocked++;
                try {
                    while (!gateOpen) {
                        lock.wait();
                    }
                } finally {
                    blocked--;
                }
            }
        }
        recorder.write(batch);
    }
}
