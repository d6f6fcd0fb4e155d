package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OverflowPolicyTest {

    @Test
    void parsesNamesCaseInsensitively() {
        assertThat(OverflowPolicy.parse("drop")).isEqualTo(OverflowPolicy.DROP);
        assertThat(OverflowPolicy.parse(" Block ")).isEqualTo(OverflowPolicy.BLOCK);
    }

    @Test
    void rejectsUnknownAndMissingNamesWithTheChoices() {
        assertThatThrownBy(() -> OverflowPolicy.parse("later"))
                .hasMessage("overflowPolicy 'later' is unknown; use DROP or BLOCK");
        assertThatThrownBy(() -> OverflowPolicy.parse(null)).hasMessage("overflowPolicy is missing; use DROP or BLOCK");
    }
}
