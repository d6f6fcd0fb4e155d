package dev.sluice.core.json;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Review findings for the canonical event JSON codec. Each test states the contract that should hold and fails on the
 * current code; the assertions accept any reasonable fix (e.g. "the encoder refuses the event" or "it writes something
 * the schema and the decoder accept").
 */
class JsonReviewFindingsTest {

    private static final String MINIMAL =
            "{\"v\":1,\"ts\":\"2026-11-21T18:35:56.123Z\",\"level\":\"INFO\",\"logger\":\"a.B\"}";

    private final TestEvents events = new TestEvents();
    private final EventJsonEncoder encoder = new EventJsonEncoder(EventJsonSettings.builder()
            .service("billing")
            .host("host-1")
            .pid(4242)
            .build());
    private final EventJsonDecoder decoder = new EventJsonDecoder();
    private final Schema schema = loadSchema();

    // ------------------------------------------------------------------ encoder output outside schema / decoder

    // ------------------------------------------------------------------ helpers

    private List<String> schemaErrors(byte[] json) {
        return schema.validate(new String(json, StandardCharsets.UTF_8), InputFormat.JSON).stream()
                .map(Error::toString)
                .collect(Collectors.toList());
    }

    private static Schema loadSchema() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
        try (InputStream in = JsonReviewFindingsTest.class.getResourceAsStream(EventJsonSchemaTest.SCHEMA_RESOURCE)) {
            return registry.getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
