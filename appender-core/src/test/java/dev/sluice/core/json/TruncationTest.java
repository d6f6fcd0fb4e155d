package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TruncationTest {

    @Test
    void leavesStringsUpToTheLimitAndNullAlone() {
        String exactly = "x".repeat(64);

        assertThat(Truncation.truncate(exactly, 64)).isSameAs(exactly);
        assertThat(Truncation.truncate("short", 64)).isEqualTo("short");
        assertThat(Truncation.truncate(null, 64)).isNull();
    }

    @Test
    void cutsToTheLimitWithAMarkerCountingTheCharactersLeftOut() {
        String cut = Truncation.truncate("0123456789".repeat(10), 64);

        // 100 characters: 43 kept, 57 left out, and the 21-character marker.
        assertThat(cut)
                .isEqualTo("0123456789".repeat(4) + "012…[truncated 57 chars]")
                .hasSize(64);
        assertThat(Truncation.truncate("x".repeat(65), 64))
                .isEqualTo("x".repeat(43) + "…[truncated 22 chars]")
                .hasSize(64);
    }

    @Test
    void neverExceedsTheLimitWhateverTheNumberOfDigits() {
        for (int length : new int[] {65, 99, 100, 101, 999, 1000, 1001, 1_000_064, 10_000_000}) {
            String text = "y".repeat(length);
            for (int max : new int[] {64, 100, 1000, 1_000_000}) {
                String cut = Truncation.truncate(text, max);
                if (length <= max) {
                    assertThat(cut).isSameAs(text);
                    continue;
                }
                assertThat(cut.length()).as("length %d, max %d", length, max).isBetween(max - 1, max);
                int kept = cut.indexOf('…');
                assertThat(cut).endsWith("…[truncated " + (length - kept) + " chars]");
            }
        }
    }

    @Test
    void neverSplitsASurrogatePair() {
        String smiles = "\uD83D\uDE00".repeat(40); // 80 chars: a pair would straddle an odd cut

        String cut = Truncation.truncate(smiles, 64);

        assertThat(cut)
                .isEqualTo("\uD83D\uDE00".repeat(21) + "…[truncated 38 chars]")
                .hasSize(63);
        String shifted = Truncation.truncate("a" + smiles, 64);
        assertThat(shifted).isEqualTo("a" + "\uD83D\uDE00".repeat(21) + "…[truncated 38 chars]");
    }

    @Test
    void theLongestMarkerFitsTheSmallestLimit() {
        String longest = Truncation.MARKER_START + Integer.MAX_VALUE + Truncation.MARKER_END;

        assertThat(longest).hasSize(Truncation.MAX_MARKER_LENGTH);
        assertThat(EventJsonSettings.MIN_STRING_LENGTH).isGreaterThan(Truncation.MAX_MARKER_LENGTH);
    }
}
