package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SinkException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailingSinkTest {

    private final FailingSink<String> sink = new FailingSink<>();

    @Test
    void failsTheNextWritesRetryablyThenRecords() throws Exception {
        sink.failNextWrites(2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> sink.write(List.of("a")))
                    .isInstanceOfSatisfying(
                            SinkException.class,
                            e -> assertThat(e.isRetryable()).isTrue());
        }
        sink.write(List.of("a"));

        assertThat(sink.events()).containsExactly("a");
        assertThat(sink.writeAttempts()).isEqualTo(3);
        assertThat(sink.failedWrites()).isEqualTo(2);
        assertThat(sink.pendingFailures()).isZero();
    }

    @Test
    void failsTheNextWritesPermanently() {
        sink.failNextWritesPermanently(1);

        assertThatThrownBy(() -> sink.write(List.of("a")))
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.isRetryable()).isFalse());
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void rejectsEveryBatchHoldingAPoisonEventSoItCanBeIsolated() throws Exception {
        sink.rejectEvents("poison"::equals);

        assertThatThrownBy(() -> sink.write(List.of("a", "poison", "b")))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e).hasMessageContaining("poison");
                });
        sink.write(List.of("a"));
        assertThatThrownBy(() -> sink.write(List.of("poison"))).isInstanceOf(SinkException.class);
        sink.write(List.of("b"));

        assertThat(sink.events()).containsExactly("a", "b");
        assertThat(sink.failedWrites()).isEqualTo(2);
    }

    @Test
    void scriptedFailuresComeBeforeTheRejectPredicate() {
        sink.rejectEvents("poison"::equals).failNextWrites(1);

        assertThatThrownBy(() -> sink.write(List.of("poison")))
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThatThrownBy(() -> sink.write(List.of("poison")))
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void throwsAnErrorAsIs() throws Exception {
        Error error = new LinkageError("scripted");
        sink.throwErrorOnNextWrite(error);

        assertThatThrownBy(() -> sink.write(List.of("a"))).isSameAs(error);
        sink.write(List.of("b"));
        assertThat(sink.events()).containsExactly("b");
    }

    @Test
    void throwsAnyScriptedException() {
        sink.failNextWritesWith(1, () -> new IllegalArgumentException("unexpected"));

        assertThatThrownBy(() -> sink.write(List.of("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unexpected");
    }

    @Test
    void failsTheNextOpensRetryably() throws Exception {
        sink.failNextOpens(1);

        assertThatThrownBy(sink::open)
                .isInstanceOfSatisfying(
                        SinkException.class, e -> assertThat(e.isRetryable()).isTrue());
        sink.open();

        assertThat(sink.openAttempts()).isEqualTo(2);
        assertThat(sink.recorder().openCount()).isEqualTo(1);
    }

    @Test
    void resetForgetsTheScriptButKeepsTheCounts() throws Exception {
        sink.failNextWrites(3).rejectEvents(e -> true);
        assertThatThrownBy(() -> sink.write(List.of("a"))).isInstanceOf(SinkException.class);

        sink.reset();
        sink.write(List.of("a"));

        assertThat(sink.events()).containsExactly("a");
        assertThat(sink.writeAttempts()).isEqualTo(2);
        assertThat(sink.failedWrites()).isEqualTo(1);
    }

    @Test
    void closeReachesTheRecorder() {
        sink.close();

        assertThat(sink.recorder().closeCount()).isEqualTo(1);
    }
}
