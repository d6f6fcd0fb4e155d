package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.status.InfoStatus;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.WarnStatus;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StatusAssertionsTest {

    private final ContextBase context = new ContextBase();

    private void add(Status status) {
        context.getStatusManager().add(status);
    }

    @Test
    void noErrorsPassesWithInfoAndWarnings() {
        add(new InfoStatus("started", this));
        add(new WarnStatus("queue is filling", this));

        assertThatCode(() -> StatusAssertions.assertNoErrors(context)).doesNotThrowAnyException();
    }

    @Test
    void noErrorsFailsListingEveryStatus() {
        add(new InfoStatus("started", this));
        add(new ErrorStatus("broker refused", this, new IllegalStateException("boom")));

        assertThatThrownBy(() -> StatusAssertions.assertNoErrors(context))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("INFO [StatusAssertionsTest] started")
                .hasMessageContaining("ERROR [StatusAssertionsTest] broker refused")
                .hasMessageContaining("IllegalStateException: boom");
    }

    @Test
    void countsOnlyTheExactLevelAndAMatchingMessage() {
        add(new WarnStatus("dropped 1 event", this));
        add(new WarnStatus("dropped 100 events", this));
        add(new ErrorStatus("dropped 5 events", this));
        add(new WarnStatus("reconnected", this));

        assertThat(StatusAssertions.countMatching(context, Status.WARN, "dropped \\d+"))
                .isEqualTo(2);
        assertThat(StatusAssertions.countMatching(context, Status.ERROR, "dropped"))
                .isEqualTo(1);
        assertThat(StatusAssertions.countMatching(context, Status.INFO, ".*")).isZero();
    }

    @Test
    void assertStatusFailsWithTheListWhenNothingMatches() {
        add(new InfoStatus("connected to amqp://localhost", this));

        assertThatCode(() -> StatusAssertions.assertStatus(context, Status.INFO, "connected"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> StatusAssertions.assertStatus(context, Status.WARN, "connected"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected a WARN status matching /connected/")
                .hasMessageContaining("INFO [StatusAssertionsTest] connected to amqp://localhost");
    }

    @Test
    void assertStatusCountAndNoStatus() {
        add(new WarnStatus("dropped", this));
        add(new WarnStatus("dropped", this));

        assertThatCode(() -> StatusAssertions.assertStatusCount(context, Status.WARN, "dropped", 2))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> StatusAssertions.assertStatusCount(context, Status.WARN, "dropped", 1))
                .hasMessageContaining("expected 1 WARN statuses matching /dropped/, found 2");
        assertThatThrownBy(() -> StatusAssertions.assertNoStatus(context, Status.WARN, "drop"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void awaitStatusSeesAStatusAddedLaterByAnotherThread() {
        CompletableFuture.runAsync(() -> add(new WarnStatus("worker gave up", this)));

        assertThatCode(() -> StatusAssertions.awaitStatus(context, Status.WARN, "gave up"))
                .doesNotThrowAnyException();
    }

    @Test
    void describesAnEmptyContext() {
        assertThat(StatusAssertions.describe(context)).isEqualTo("(no statuses)");
    }
}
