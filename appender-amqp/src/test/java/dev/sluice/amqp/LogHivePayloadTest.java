package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.sluice.core.json.EventJsonParts;
import dev.sluice.core.json.EventJsonSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** LogHive's body, field by field, as its consumer validates it. */
class LogHivePayloadTest {

    private final LogHivePayload payload = new LogHivePayload(new EventJsonParts(EventJsonSettings.builder()
            .service("orders")
            .host("h")
            .maxStringLength(64)
            .build()));
    private final Logger logger = new LoggerContext().getLogger("app");

    private String encode(Level level, String message, Map<String, String> mdc, List<KeyValuePair> kvs) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
        event.setTimeStamp(1_735_295_445_123L); // 2024-12-27T10:30:45.123Z
        event.setMDCPropertyMap(mdc);
        kvs.forEach(event::addKeyValuePair);
        return new String(payload.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void writesLogHivesFiveFieldsWithPythonLevelsAndUtcSeconds() {
        assertThat(encode(Level.WARN, "High memory usage", Map.of("user_id", "123"), List.of()))
                .isEqualTo("{\"service\":\"orders\",\"level\":\"WARNING\",\"message\":\"High memory usage\","
                        + "\"information\":{\"user_id\":\"123\"},\"timestamp\":\"2024-12-27 10:30:45\"}");
        assertThat(encode(Level.TRACE, "t", Map.of(), List.of())).contains("\"level\":\"DEBUG\"");
    }

    @Test
    void keyValuesJoinTheMdcAndWinOverIt() {
        String body = encode(
                Level.INFO,
                "m",
                Map.of("retry_count", "1"),
                List.of(new KeyValuePair("retry_count", 3), new KeyValuePair("db", "main")));
        assertThat(body).contains("\"information\":{\"retry_count\":\"3\",\"db\":\"main\"}");
    }

    @Test
    void longStringsAreCutAndLoneSurrogatesReplaced() {
        String body = encode(Level.INFO, "x".repeat(500), Map.of(), List.of());
        assertThat(body)
                .contains("\"message\":\"xxxxxxxxxx")
                .contains("…[truncated ")
                .doesNotContain("x".repeat(64));
        String surrogate = encode(Level.INFO, "a\uD800b", Map.of(), List.of());
        assertThat(surrogate).contains("\"message\":\"a\uFFFDb\"");
    }
}
