package dev.sluice.testing;

import dev.sluice.core.BatchSink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A test sink in front of a {@link RecordingSink} that holds what got through it. */
public abstract class RecorderBackedSink<E> implements BatchSink<E> {

    /** The sink that receives what gets through. */
    protected final RecordingSink<E> recorder;

    protected RecorderBackedSink(RecordingSink<E> recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    @Override
    public void close() {
        recorder.close();
    }

    /** The sink that holds what got through. */
    public RecordingSink<E> recorder() {
        return recorder;
    }

    /** Events that got through, in order. */
    public List<E> events() {
        return recorder.events();
    }

    /** Waits until at least {@code n} events got through; see {@link RecordingSink#awaitCount}. */
    public List<E> awaitCount(int n) {
        return recorder.awaitCount(n);
    }

    /** Waits until at least {@code n} events got through; see {@link RecordingSink#awaitCount}. */
    public List<E> awaitCount(int n, Duration timeout) {
        return recorder.awaitCount(n, timeout);
    }
}
