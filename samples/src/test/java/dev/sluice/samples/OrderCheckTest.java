package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OrderCheckTest {

    @Test
    void acceptsInterleavedThreadsEachInOrder() {
        OrderCheck check = OrderCheck.of(List.of("x - w0 event 0", "x - w1 event 0", "x - w0 event 1"), 2);
        assertThat(check).isEqualTo(new OrderCheck(3, true, 0));
    }

    @Test
    void detectsReorderingGapsDuplicatesAndForeignLines() {
        assertThat(OrderCheck.of(List.of("x - w0 event 1", "x - w0 event 0"), 1).inOrder())
                .isFalse();
        assertThat(OrderCheck.of(List.of("x - w0 event 0", "x - w0 event 2"), 1).inOrder())
                .isFalse();
        assertThat(OrderCheck.of(List.of("x - w0 event 0", "x - w0 event 0"), 1).duplicates())
                .isEqualTo(1);
        assertThat(OrderCheck.of(List.of("garbage"), 1).inOrder()).isFalse();
    }
}
