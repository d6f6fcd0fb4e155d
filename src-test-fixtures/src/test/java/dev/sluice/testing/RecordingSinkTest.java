package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class RecordingSinkTest {

    private final RecordingSink<String> sink = new RecordingSink<>();

    @Test
    void recordsEventsBatchesAndLifecycle() {
        sink.open();
        sink.write(List.of("a", "b"));
        sink.write(List.of("c"));
        sink.close();

        assertThat(sink.events()).containsExactly("a", "b", "c");
        assertThat(sink.batches()).containsExactly(List.of("a", "b"), List.of("c"));
        assertThat(sink.batchSizes()).containsExactly(2, 1);
        assertThat(sink.count()).isEqualTo(3);
        assertThat(sink.openCount()).isEqualTo(1);
        assertThat(sink.closeCount()).isEqualTo(1);
        assertThat(sink.writerThreads()).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void copiesTheBatchBecauseTheCallerReusesIt() {
        List<String> reused = new ArrayList<>(List.of("a", "b"));
        sink.write(reused);
        reused.clear();
        reused.add("z");

        assertThat(sink.events()).containsExactly("a", "b");
        assertThat(sink.batches()).containsExactly(List.of("a", "b"));
    }

    @Test
    void snapshotsDoNotChangeAfterLaterWrites() {
        sink.write(List.of("a"));
        List<String> snapshot = sink.events();
        sink.write(List.of("b"));

        assertThat(snapshot).containsExactly("a");
    }

    @Test
    void awaitCountReturnsOnceAnotherThreadWroteEnough() {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                sink.write(List.of("e" + i));
            }
        });

        assertThat(sink.awaitCount(5)).hasSize(5);
        writer.join();
        assertThat(sink.writerThreads()).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void awaitCountFailsWhenTooFewArrive() {
        sink.write(List.of("only"));

        assertThatThrownBy(() -> sink.awaitCount(2, Duration.ofMillis(100)))
                .isInstanceOf(ConditionTimeoutException.class)
                .hasMessageContaining("at least 2 events");
    }

    @Test
    void clearForgetsEverything() {
        sink.open();
        sink.write(List.of("a"));
        sink.clear();

        assertThat(sink.events()).isEmpty();
        assertThat(sink.batches()).isEmpty();
        assertThat(sink.openCount()).isZero();
        assertThat(sink.writerThreads()).isEmpty();
    }
}
