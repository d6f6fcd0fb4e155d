package dev.sluice.core.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads encoder output as a tree, for assertions on the JSON itself (test scope only: main code has no databind). */
final class JsonTrees {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonTrees() {}

    static JsonNode tree(byte[] json) {
        return MAPPER.readTree(json);
    }

    static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    static List<String> names(JsonNode node) {
        return new ArrayList<>(node.propertyNames());
    }
}
