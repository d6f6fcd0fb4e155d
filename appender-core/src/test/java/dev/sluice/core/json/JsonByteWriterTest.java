package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class JsonByteWriterTest {

    /** Characters from every class the escaping distinguishes. */
    private static final char[] ALPHABET = {
        'a', 'Z', '0', ' ', '~', '/', '?', '"', '\\', '\u0000', '\u0001', '\b', '\t', '\n', '\f', '\r', '\u001f',
        '\u007f', '\u0080', '\u00e9', '\u00ff', '\u07ff', '\u0800', '\u20ac', '\u2028', '\ufeff', '\uffff', '\ud83d',
        '\ude00', '\udbff', '\udc00'
    };

    @Test
    void writesEveryStringByteForByteAsJacksonDoes() throws IOException {
        Random random = new Random(20261122L);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                text.append(
                        random.nextInt(4) == 0
                                ? (char) random.nextInt(0x10000)
                                : ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String s = text.toString();
            assertThat(ours(s))
                    .as("escaped %s", s.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(jackson(s));
        }
    }

    @Test
    void writesTheEdgesAsJacksonDoes() throws IOException {
        for (String s :
                new String[] {"", "plain ascii", "\ud83d\ude00", "\ud83d", "\ude00\ud83d", "x\ud83d", "\u0000"}) {
            assertThat(ours(s)).isEqualTo(jackson(s));
        }
        assertThat(new String(new JsonByteWriter(1).string(null).toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo("null");
    }

    @Test
    void remembersRecurringTextPerInstanceAndShape() {
        JsonByteWriter out = new JsonByteWriter(8, true);
        String key = new String("k\ud800");
        UnaryOperator<String> asName = EventJsonEncoder::fieldName;
        out.recurring(key, UnaryOperator.identity())
                .raw(',')
                .recurring(key, asName)
                .raw(',');
        out.recurring(key, UnaryOperator.identity())
                .raw(',')
                .recurring(key, asName)
                .raw(',');
        String equalButAnother = new String("k\ud800");
        out.recurring(equalButAnother, asName).raw(',').recurring(null, asName).raw(',');
        String longText = "x".repeat(1_000);
        out.recurring(longText, UnaryOperator.identity());
        assertThat(out.toUtf8String())
                .isEqualTo(
                        "\"k\\uD800\",\"k\ufffd\",\"k\\uD800\",\"k\ufffd\",\"k\ufffd\",\"null\",\"" + longText + "\"");
    }

    @Test
    void growsFromAnyStart() {
        JsonByteWriter out = new JsonByteWriter(1);
        String text = "\u20ac".repeat(10_000);
        out.raw('[').string(text).raw(',').number(Long.MIN_VALUE).raw(']');
        assertThat(out.toUtf8String()).isEqualTo("[\"" + text + "\"," + Long.MIN_VALUE + "]");
    }

    @Test
    void namesFieldsWithCommasBetween() {
        JsonByteWriter out = new JsonByteWriter(4);
        out.raw('{').name("a", true).number(1).name("b\"", false).string("x").raw('}');
        assertThat(out.toUtf8String()).isEqualTo("{\"a\":1,\"b\\\"\":\"x\"}");
    }

    @Test
    void refusesToGrowBeyondAnArray() {
        JsonByteWriter out = new JsonByteWriter(1);
        assertThatThrownBy(() -> out.write(new byte[0], 0, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would exceed");
    }

    private static byte[] ours(String s) {
        return new JsonByteWriter(8).string(s).toByteArray();
    }

    private static byte[] jackson(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = EventJsonEncoder.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeString(s);
        }
        return out.toByteArray();
    }
}
