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
    }

    @Test
    void keepsWhatWasSet() {
        EventJsonSettings settings = EventJsonSettings.builder()
                .service("s")
                .host("h")
                .pid(7)
                .maxThrowableDepth(1)
                .maxFrames(EventJsonSettings.MAX_FRAMES)
                .build();

        assertThat(settings)
                .hasToString("EventJsonSettings{service=s, host=h, pid=7, maxThrowableDepth=1, maxFrames=1024}");
    }

    @Test
    void listsEveryProblemAndRefusesToBuild() {
        EventJsonSettings.Builder builder =
                EventJsonSettings.builder().maxThrowableDepth(0).maxFrames(EventJsonSettings.MAX_FRAMES + 1);

        assertThat(builder.problems())
                .containsExactly(
                        "maxThrowableDepth must be between 1 and 30, was 0",
                        "maxFrames must be between 1 and 1024, was 1025");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxThrowableDepth must be between 1 and 30, was 0; maxFrames must be between 1 and 1024,"
                        + " was 1025");
    }
}
