package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonLimitsTest {

    @Test
    void defaults() {
        JsonLimits limits = JsonLimits.defaults();

        assertThat(limits.maxDocumentBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(limits.maxDepth()).isEqualTo(64);
        assertThat(limits.maxStringLength()).isEqualTo(4 * 1024 * 1024);
        assertThat(limits.maxFrames()).isEqualTo(1024);
        assertThat(limits.maxMdcEntries()).isEqualTo(10_000);
        assertThat(limits.maxKvEntries()).isEqualTo(10_000);
        assertThat(limits.maxMarkers()).isEqualTo(1024);
        assertThat(limits.maxSuppressed()).isEqualTo(1024);
    }

    @Test
    void keepsWhatWasSet() {
        JsonLimits limits = JsonLimits.builder()
                .maxDocumentBytes(1)
                .maxDepth(2)
                .maxStringLength(3)
                .maxFrames(4)
                .maxMdcEntries(5)
                .maxKvEntries(6)
                .maxMarkers(7)
                .maxSuppressed(8)
                .build();

        assertThat(limits)
                .hasToString("JsonLimits{maxDocumentBytes=1, maxDepth=2, maxStringLength=3, maxFrames=4,"
                        + " maxMdcEntries=5, maxKvEntries=6, maxMarkers=7, maxSuppressed=8}");
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> JsonLimits.builder().maxDocumentBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDocumentBytes must be at least 1, was 0");
        assertThatThrownBy(() -> JsonLimits.builder().maxDepth(JsonLimits.MAX_DEPTH + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDepth must be at most 1000, was 1001");
        assertThatThrownBy(() -> JsonLimits.builder().maxStringLength(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonLimits.builder().maxMdcEntries(-1))
                .hasMessage("maxMdcEntries must be at least 0, was -1");
    }
}
