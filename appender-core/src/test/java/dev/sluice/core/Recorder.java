package dev.sluice.core;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A sink for core tests: records what it writes, can hold writes at a gate, and can fail writes on demand through
 * a {@link Failure} hook. Every attempted batch is recorded too, so tests can see retries of the same batch.
 */
final class Recorder implements BatchSink<ILoggingEvent> {

    /** Decides, per attempted batch, whether the write throws. */
    interface Failure {
        void check(List<ILoggingEvent> batch, int attempt) throws Exception;
    }

    final List<ILoggingEvent> written = new CopyOnWriteArrayList<>();
    final List<List<String>> attempts = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate;
    private final CountDownLatch blocked = new CountDownLatch(1);
    private volatile Failure failure = (batch, attempt) -> {};

    private Recorder(boolean gated) {
        this.gate = new CountDownLatch(gated ? 1 : 0);
    }

    static Recorder ungated() {
        return new Recorder(false);
    }

    /** A recorder whose writes wait until {@link #openGate()}. */
    static Recorder gated() {
        return new Recorder(true);
    }

    Recorder failingWith(Failure failure) {
        this.failure = failure;
        return this;
    }

    void openGate() {
        gate.countDown();
    }

    /** Waits until the worker is inside a write, held at the gate. */
    void awaitBlocked() throws InterruptedException {
        if (!blocked.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the worker never reached the sink");
        }
    }

    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        blocked.countDown();
        gate.await();
        List<String> messages = new ArrayList<>();
        batch.forEach(event -> messages.add(event.getFormattedMessage()));
        attempts.add(messages);
        failure.check(batch, attempts.size());
        written.addAll(batch);
    }

    @Override
    public void close() {}

    List<String> messages() {
        return written.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    static Predicate<List<ILoggingEvent>> contains(String message) {
        return batch -> batch.stream().anyMatch(event -> message.equals(event.getFormattedMessage()));
    }
}
