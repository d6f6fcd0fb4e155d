package dev.sluice.core.json;

import static dev.sluice.core.json.JsonTrees.tree;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;

/** Each part is exactly the encoder's field, so a column store and a wire carry the same values. */
class EventJsonPartsTest {

    private final TestEvents events = new TestEvents();
    private final EventJsonSettings settings =
            EventJsonSettings.builder().maxStringLength(100).build();
    private final EventJsonParts parts = new EventJsonParts(settings);
    private final EventJsonEncoder encoder = new EventJsonEncoder(settings);

    private LoggingEvent richEvent() {
        LoggingEvent event =
                events.event(Level.ERROR, "failed", TestEvents.withFrames(new IllegalStateException("boom \uD800"), 3));
        event.setMDCPropertyMap(Map.of("job", "j-1", "bad\uDC00key", "x".repeat(500)));
        event.addKeyValuePair(new KeyValuePair("n", 7));
        event.addKeyValuePair(new KeyValuePair("d", Double.NaN));
        event.addMarker(MarkerFactory.getDetachedMarker("AUDIT"));
        event.setCallerData(new StackTraceElement[] {new StackTraceElement("a.B", "c", "B.java", 12)});
        return event;
    }

    @Test
    void everyPartEqualsTheEncodersField() {
        LoggingEvent event = richEvent();
        JsonNode whole = tree(encoder.encode(event));
        assertThat(part(parts.mdc(event.getMDCPropertyMap()))).isEqualTo(whole.get("mdc"));
        assertThat(part(parts.keyValues(event.getKeyValuePairs()))).isEqualTo(whole.get("kv"));
        assertThat(part(parts.markers(event.getMarkerList()))).isEqualTo(whole.get("markers"));
        assertThat(part(parts.throwable(event.getThrowableProxy()))).isEqualTo(whole.get("throwable"));
        assertThat(part(parts.caller(event))).isEqualTo(whole.get("caller"));
        assertThat(parts.truncate("y".repeat(500))).hasSize(100).contains("[truncated ");
    }

    @Test
    void partsTheEncoderLeavesOutAreNull() {
        LoggingEvent event = events.event("plain");
        assertThat(parts.mdc(event.getMDCPropertyMap())).isNull();
        assertThat(parts.mdc(null)).isNull();
        assertThat(parts.keyValues(null)).isNull();
        assertThat(parts.keyValues(java.util.Arrays.asList((KeyValuePair) null)))
                .isNull();
        assertThat(parts.markers(List.of())).isNull();
        assertThat(parts.throwable(null)).isNull();
        assertThat(parts.caller(event)).isNull();
        assertThat(parts.truncate(null)).isNull();
    }

    @Test
    void loneSurrogatesInValuesAreEscapedSoTheTextIsValidUnicode() {
        String mdc = parts.mdc(Map.of("k", "a\uD800b"));
        assertThat(mdc).isEqualTo("{\"k\":\"a\\uD800b\"}");
        assertThat(new String(mdc.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo(mdc);
    }

    private static JsonNode part(String json) {
        return tree(json.getBytes(StandardCharsets.UTF_8));
    }
}
