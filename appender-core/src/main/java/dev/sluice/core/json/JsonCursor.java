package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link JsonParser} with typed reads that fail with an {@link EventDecodingException} naming the field, e.g.
 * {@code field 'throwable.frames[2].line': expected an integer but found a string}. One per decode call.
 */
final class JsonCursor {

    /** Longest piece of untrusted input (a value, a field name) quoted in an error message. */
    private static final int MAX_QUOTED_CHARS = 64;

    /** Longest field path in an error message. */
    private static final int MAX_PATH_CHARS = 160;

    /** Reads one array element; the cursor is on the element's first token. */
    interface ElementReader<T> {
        T read() throws IOException;
    }

    private final JsonParser parser;

    JsonCursor(JsonParser parser) {
        this.parser = parser;
    }

    JsonParser parser() {
        return parser;
    }

    /** Advances to the next token; {@code null} at the end of input. */
    JsonToken next() throws IOException {
        return parser.nextToken();
    }

    /** The name of the current field, for a cursor on a {@link JsonToken#FIELD_NAME}. */
    String fieldName() throws IOException {
        return parser.currentName();
    }

    /** Skips the current value, including everything nested in it. */
    void skipValue() throws IOException {
        parser.skipChildren();
    }

    /** Fails unless the current token starts an object. */
    void expectObject() {
        expect(JsonToken.START_OBJECT, "an object");
    }

    /** Fails unless the current token starts an array. */
    void expectArray() {
        expect(JsonToken.START_ARRAY, "an array");
    }

    /** The current string value; fails on anything else, {@code null} included. */
    String string() throws IOException {
        expect(JsonToken.VALUE_STRING, "a string");
        return parser.getText();
    }

    /** The current string value, or {@code null} for a JSON null; fails on anything else. */
    String nullableString() throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? null : string();
    }

    /** The current boolean value; fails on anything else. */
    boolean bool() {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (token == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw fail("expected a boolean but found " + describe(token));
    }

    /**
     * Longest integer text that can fit a {@code long}: {@value} ({@code -9223372036854775808}). Longer text is refused
     * before Jackson is asked for the number type, which would parse a {@code BigInteger} of any length.
     */
    private static final int MAX_LONG_CHARS = 20;

    /** The current integer value when it fits a {@code long}; fails on anything else. */
    long longValue() throws IOException {
        expect(JsonToken.VALUE_NUMBER_INT, "an integer");
        NumberType type = parser.getTextLength() > MAX_LONG_CHARS ? NumberType.BIG_INTEGER : parser.getNumberType();
        if (type != NumberType.INT && type != NumberType.LONG) {
            throw fail("integer out of range: " + quote(parser.getText()));
        }
        return parser.getLongValue();
    }

    /** The current integer value when it fits an {@code int}; fails on anything else. */
    int intValue() throws IOException {
        expect(JsonToken.VALUE_NUMBER_INT, "an integer");
        if (parser.getTextLength() > MAX_LONG_CHARS || parser.getNumberType() != NumberType.INT) {
            throw fail("integer out of range: " + quote(parser.getText()));
        }
        return parser.getIntValue();
    }

    /**
     * Reads the array at the current token element by element, failing as soon as it holds more than {@code max}:
     * {@code field '<path>': more than <max> <what>}. Nothing is sized from the untrusted input.
     */
    <T> List<T> readArray(int max, String what, ElementReader<T> element) throws IOException {
        expectArray();
        JsonStreamContext array = container();
        List<T> items = new ArrayList<>();
        JsonToken token;
        while ((token = next()) != JsonToken.END_ARRAY) {
            if (token == null) {
                // Jackson reports unbalanced input itself; this only guards against a parser that ends early.
                throw fail("unexpected end of the document");
            }
            if (items.size() == max) {
                throw failIn(array, "more than " + max + " " + what);
            }
            items.add(element.read());
        }
        return items;
    }

    /** The value of a required field, or a failure naming it. */
    <T> T required(T value, String field) {
        if (value == null) {
            throw fail("missing required field '" + field + "'");
        }
        return value;
    }

    /** The current container (object or array) context, to name it in an error later raised from inside it. */
    JsonStreamContext container() {
        return parser.getParsingContext();
    }

    /** A failure at the current position: {@code field '<path>': <problem>}. */
    EventDecodingException fail(String problem) {
        return failAt(pathOf(parser.getParsingContext(), true), problem);
    }

    /** A failure about a whole container obtained from {@link #container()}: {@code field '<path>': <problem>}. */
    EventDecodingException failIn(JsonStreamContext container, String problem) {
        return failAt(pathOf(container, false), problem);
    }

    /** The dotted path of the current position, e.g. {@code throwable.frames[2]}; empty at the top level. */
    String path() {
        return pathOf(parser.getParsingContext(), true);
    }

    static EventDecodingException failAt(String path, String problem) {
        return new EventDecodingException(path.isEmpty() ? problem : "field '" + path + "': " + problem);
    }

    /** Names a token for a message: "a string", "an object", "the end of the document". */
    static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the document";
        }
        switch (token) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
                return "an integer";
            case VALUE_NUMBER_FLOAT:
                return "a decimal number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.toString();
        }
    }

    /**
     * Quotes untrusted text for a message: at most {@value #MAX_QUOTED_CHARS} characters, control characters replaced
     * by '?', so that a hostile document cannot flood or forge status lines.
     */
    static String quote(String text) {
        return "'" + sanitize(text) + "'";
    }

    /** Shortens and strips control characters, as {@link #quote(String)} does, without the quotes. */
    static String sanitize(String text) {
        if (text == null) {
            return "null";
        }
        boolean cut = text.length() > MAX_QUOTED_CHARS;
        String head = cut ? text.substring(0, MAX_QUOTED_CHARS) : text;
        StringBuilder sb = new StringBuilder(head.length() + 3);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return cut ? sb.append("...").toString() : sb.toString();
    }

    private void expect(JsonToken expected, String description) {
        JsonToken token = parser.currentToken();
        if (token != expected) {
            throw fail("expected " + description + " but found " + describe(token));
        }
    }

    /**
     * Builds a dotted path from Jackson's context chain. {@code includeOwnPosition} adds the innermost context's
     * current field name or array index (where the cursor is), rather than naming the container itself.
     */
    private static String pathOf(JsonStreamContext context, boolean includeOwnPosition) {
        Deque<String> parts = new ArrayDeque<>();
        boolean own = true;
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (own && !includeOwnPosition) {
                own = false;
                continue;
            }
            own = false;
            if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst("." + sanitize(c.getCurrentName()));
            } else if (c.inArray() && c.hasCurrentIndex()) {
                parts.addFirst("[" + c.getCurrentIndex() + "]");
            }
        }
        String path = String.join("", parts);
        path = path.startsWith(".") ? path.substring(1) : path;
        // Deeply nested hostile input must not produce a huge message.
        return path.length() > MAX_PATH_CHARS ? path.substring(0, MAX_PATH_CHARS) + "..." : path;
    }
}
