package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventJsonSettingsTest {

    @Test
    void defaults() {
        EventJsonSettings settings = EventJsonSettings.defaults();

        assertThat(settings.service()).isNull();
        assertThat(settings.host()).isNull();
        assertThat(settings.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(settings.maxThrowableDepth()).isEqualTo(16);
        assertThat(settings.maxFrames()).isEqualTo(256);
        assertThat(settings.maxTotalFrames()).isEqualTo(2048);
        assertThat(settings.maxSuppressed()).isEqualTo(32);
        assertThat(settings.maxStringLength()).isEqualTo(4_193_280);
    }

    @Test
    void keepsWhatWasSet() {
        EventJsonSettings settings = EventJsonSettings.builder()
                .service("s")
                .host("h")
                .pid(7)
                .maxThrowableDepth(1)
                .maxFrames(EventJsonSettings.MAX_FRAMES)
                .maxTotalFrames(EventJsonSettings.MAX_TOTAL_FRAMES)
                .maxSuppressed(0)
                .maxStringLength(EventJsonSettings.MIN_STRING_LENGTH)
                .build();

        assertThat(settings)
                .hasToString("EventJsonSettings{service=s, host=h, pid=7, maxThrowableDepth=1, maxFrames=1024,"
                        + " maxTotalFrames=8192, maxSuppressed=0, maxStringLength=64}");
        assertThat(EventJsonSettings.builder()
                        .maxSuppressed(EventJsonSettings.MAX_SUPPRESSED)
                        .maxTotalFrames(1)
                        .build()
                        .maxSuppressed())
                .isEqualTo(1024);
    }

    @Test
    void listsEveryProblemAndRefusesToBuild() {
        EventJsonSettings.Builder builder = EventJsonSettings.builder()
                .maxThrowableDepth(0)
                .maxFrames(EventJsonSettings.MAX_FRAMES + 1)
                .maxTotalFrames(0)
                .maxSuppressed(-1)
                .maxStringLength(EventJsonSettings.MIN_STRING_LENGTH - 1);

        assertThat(builder.problems())
                .containsExactly(
                        "maxThrowableDepth must be between 1 and 30, was 0",
                        "maxFrames must be between 1 and 1024, was 1025",
                        "maxTotalFrames must be between 1 and 8192, was 0",
                        "maxSuppressed must be between 0 and 1024, was -1",
                        "maxStringLength must be between 64 and 4194304, was 63");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxThrowableDepth must be between 1 and 30, was 0; maxFrames must be between 1 and 1024,"
                        + " was 1025; maxTotalFrames must be between 1 and 8192, was 0; maxSuppressed must be between 0"
                        + " and 1024, was -1; maxStringLength must be between 64 and 4194304, was 63");
        assertThat(EventJsonSettings.builder()
                        .maxTotalFrames(EventJsonSettings.MAX_TOTAL_FRAMES + 1)
                        .maxSuppressed(EventJsonSettings.MAX_SUPPRESSED + 1)
                        .maxStringLength(EventJsonSettings.MAX_STRING_LENGTH + 1)
                        .problems())
                .containsExactly(
                        "maxTotalFrames must be between 1 and 8192, was 8193",
                        "maxSuppressed must be between 0 and 1024, was 1025",
                        "maxStringLength must be between 64 and 4194304, was 4194305");
    }
}
