package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatedSinkTest {

    private final GatedSink<String> sink = new GatedSink<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopWorker() {
        sink.openGate();
        worker.shutdownNow();
    }

    @Test
    void writeBlocksUntilTheGateOpens() throws Exception {
        Future<?> write = worker.submit(() -> {
            sink.write(List.of("a", "b"));
            return null;
        });

        sink.awaitBlocked();
        assertThat(write).isNotDone();
        assertThat(sink.events()).isEmpty();

        sink.openGate();
        write.get(10, TimeUnit.SECONDS);

        assertThat(sink.events()).containsExactly("a", "b");
        assertThat(sink.blockedCount()).isZero();
    }

    @Test
    void anOpenGateLetsWritesThroughUntilClosedAgain() throws Exception {
        sink.openGate();
        sink.write(List.of("a"));
        assertThat(sink.blockedCount()).isZero();

        sink.closeGate();
        Future<?> write = worker.submit(() -> {
            sink.write(List.of("b"));
            return null;
        });
        sink.awaitBlocked();
        assertThat(sink.events()).containsExactly("a");

        sink.openGate();
        write.get(10, TimeUnit.SECONDS);
        assertThat(sink.awaitCount(2)).containsExactly("a", "b");
    }

    @Test
    void aBlockedWriteEndsWhenItsThreadIsInterrupted() {
        Future<?> write = worker.submit(() -> {
            sink.write(List.of("a"));
            return null;
        });
        sink.awaitBlocked();

        worker.shutdownNow();

        assertThat(write)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(InterruptedException.class);
        assertThat(sink.blockedCount()).isZero();
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void lifecycleCallsReachTheRecorder() {
        sink.open();
        sink.close();

        assertThat(sink.recorder().openCount()).isEqualTo(1);
        assertThat(sink.recorder().closeCount()).isEqualTo(1);
        assertThat(sink.isGateOpen()).isFalse();
    }
}
