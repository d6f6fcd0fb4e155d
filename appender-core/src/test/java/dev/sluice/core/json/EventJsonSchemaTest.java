package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.KeyValuePair;
import org.slf4j.helpers.BasicMarkerFactory;

/** {@code sluice-event-v1.schema.json} against what the encoder really writes. */
class EventJsonSchemaTest {

    static final String SCHEMA_RESOURCE = "/dev/sluice/core/json/sluice-event-v1.schema.json";

    private static final String MINIMAL =
            "{\"v\":1,\"ts\":\"2026-11-21T18:35:56.123Z\",\"level\":\"INFO\",\"logger\":\"a.B\"}";

    private final Schema schema = loadSchema();
    private final TestEvents events = new TestEvents();
    private final EventJsonEncoder encoder = new EventJsonEncoder(
            EventJsonSettings.builder().service("billing").host("host-1").build());

    private static Schema loadSchema() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
        try (InputStream in = EventJsonSchemaTest.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            assertThat(in).as(SCHEMA_RESOURCE).isNotNull();
            return registry.getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> errors(String json) {
        return schema.validate(json, InputFormat.JSON).stream()
                .map(Error::toString)
                .collect(Collectors.toList());
    }

    private List<String> errors(byte[] json) {
        return errors(new String(json, StandardCharsets.UTF_8));
    }

    @Test
    void acceptsARichEvent() {
        RuntimeException cause = TestEvents.withFrames(new IllegalStateException("inner"), 30);
        RuntimeException top = new RuntimeException("outer", cause);
        top.addSuppressed(new IllegalArgumentException((String) null));
        top.addSuppressed(new IllegalArgumentException("second"));
        LoggingEvent event = events.event(Level.ERROR, "paid {}", top, 3);
        event.setMDCPropertyMap(Map.of("requestId", "r-1", "nullable", "x"));
        Object[] values = {
            "s",
            true,
            1,
            2L,
            new BigInteger("123456789012345678901234567890"),
            1.5f,
            2.5d,
            new BigDecimal("0.1000000000000000000001"),
            Double.NaN,
            null,
            List.of()
        };
        for (int i = 0; i < values.length; i++) {
            event.addKeyValuePair(new KeyValuePair("k" + i, values[i]));
        }
        event.addMarker(new BasicMarkerFactory().getDetachedMarker("AUDIT"));
        event.setCallerData(new StackTraceElement[] {new StackTraceElement("C", "m", null, -1)});
        EventJsonEncoder capped = new EventJsonEncoder(EventJsonSettings.builder()
                .service("s")
                .host("h")
                .maxFrames(10)
                .maxTotalFrames(12)
                .maxSuppressed(1)
                .build());

        assertThat(errors(encoder.encode(event))).isEmpty();
        assertThat(errors(capped.encode(event))).isEmpty();
        assertThat(new String(capped.encode(event), StandardCharsets.UTF_8)).contains("\"omittedSuppressed\":1");
    }

    @Test
    void acceptsAMinimalEvent() {
        LoggingEvent event = new LoggingEvent(TestEvents.FQCN, events.logger, Level.TRACE, null, null, null);
        event.setMDCPropertyMap(Map.of());

        assertThat(errors(new EventJsonEncoder().encode(event))).isEmpty();
        assertThat(errors(MINIMAL)).isEmpty();
        assertThat(errors(MINIMAL.replace("}", ",\"thread\":null,\"message\":null}")))
                .isEmpty();
    }

    @Test
    void acceptsCyclicAndTruncatedThrowables() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        Exception deep = new Exception("1", new Exception("2", new Exception("3")));
        EventJsonEncoder shallow = new EventJsonEncoder(
                EventJsonSettings.builder().maxThrowableDepth(2).build());

        assertThat(errors(encoder.encode(events.event(Level.ERROR, "cycle", b))))
                .isEmpty();
        assertThat(errors(shallow.encode(events.event(Level.ERROR, "deep", deep))))
                .isEmpty();
    }

    @Test
    void acceptsUnicodeAndControlCharacters() {
        LoggingEvent event = events.event("😀 日本語 " + TestEvents.controlCharacters() + " lone \uD83D");
        event.setMDCPropertyMap(Map.of("k\uD83D", "v\uDE00"));

        assertThat(errors(encoder.encode(event))).isEmpty();
    }

    @Test
    void acceptsAnEventWhoseKeyValuePairsAreAllNull() {
        LoggingEvent event = events.event("x");
        event.addKeyValuePair(null); // LoggingEvent.addKeyValuePair accepts null (addMarker ignores it)

        byte[] json = encoder.encode(event);

        assertThat(errors(json)).as(new String(json, StandardCharsets.UTF_8)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                253_402_300_799_999L /* 9999-12-31T23:59:59.999Z */,
                253_402_300_800_000L /* +10000-01-01 */,
                -62_167_219_200_000L /* 0000-01-01 */,
                -62_167_219_200_001L /* -0001-12-31 */,
                Long.MAX_VALUE,
                Long.MIN_VALUE
            })
    void acceptsTimestampsOfAnyYearWithExpandedYearsOutside0000To9999(long millis) {
        LoggingEvent event = events.event("x");
        event.setTimeStamp(millis);

        byte[] json = encoder.encode(event);

        assertThat(errors(json)).as(new String(json, StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void acceptsUnknownTopLevelFields() {
        assertThat(errors(MINIMAL.replace("{", "{\"future\":{\"x\":[1]},"))).isEmpty();
    }

    @Test
    void rejectsADocumentWithoutLevel() {
        String json = new String(encoder.encode(events.event("x")), StandardCharsets.UTF_8)
                .replace("\"level\":\"INFO\",", "");

        assertThat(json).doesNotContain("level");
        assertThat(errors(json)).singleElement().asString().contains("required").contains("level");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "version 2         |`\"v\":1`|`\"v\":2`",
                "unknown level     |`\"INFO\"`|`\"LOUD\"`",
                "seconds only      |`.123Z`|`Z`",
                "offset            |`.123Z`|`.123+01:00`",
                "not a date        |`2026-11-21`|`2026-13-21`",
                "hour 24           |`T18`|`T24`",
                "short year        |`2026-`|`026-`",
                "plus without year |`2026-`|`+-2026-`",
                "logger number     |`\"a.B\"`|`7`",
            })
    void rejectsInvalidTopLevelValues(String name, String from, String to) {
        String json = MINIMAL.replace(from, to);

        assertThat(json).isNotEqualTo(MINIMAL);
        assertThat(errors(json)).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "mdc number value   |`\"mdc\":{\"a\":1}`",
                "kv object value    |`\"kv\":{\"a\":{}}`",
                "markers number     |`\"markers\":[1]`",
                "throwable no class |`\"throwable\":{\"frames\":[]}`",
                "throwable extra    |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"extra\":1}`",
                "frame extra        |`\"caller\":{\"class\":\"A\",\"method\":\"m\",\"line\":1,\"col\":2}`",
                "frame no line      |`\"caller\":{\"class\":\"A\",\"method\":\"m\"}`",
                "omitted zero       |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedFrames\":0}`",
                "omitted supp. zero |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedSuppressed\":0}`",
                "empty suppressed   |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"suppressed\":[]}`",
                "cyclic false       |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"cyclic\":false}`",
                "pid string         |`\"pid\":\"1\"`",
            })
    void rejectsInvalidNestedValues(String name, String field) {
        String json = MINIMAL.substring(0, MINIMAL.length() - 1) + "," + field + "}";

        assertThat(errors(json)).isNotEmpty();
    }
}
