package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;

/**
 * The plain reader against the Jackson reader it stands in for: on every document it either gives up or builds the
 * same event, and it never accepts what Jackson rejects.
 */
class PlainEventJsonReaderTest {

    private static final String[] PIECES = {
        "a",
        "Order 17",
        " ",
        "\"",
        "\\",
        "/",
        "\n",
        "\t",
        "\u0000",
        "\u001f",
        "\u007f",
        "\u00e9",
        "\u20ac",
        "\u4e2d",
        "\ud83d\ude00",
        "\ud83d",
        "\ude00",
        "\ufeff",
        "\u2028"
    };

    private static final BasicMarkerFactory MARKERS = new BasicMarkerFactory();

    private final EventJsonDecoder decoder = new EventJsonDecoder();
    private final Random random = new Random(20261122L);

    @Test
    void readsWhatTheEncoderWritesAsJacksonDoes() {
        int plain = 0;
        for (int n = 0; n < 5_000; n++) {
            byte[] json = new EventJsonEncoder(EventJsonSettings.builder()
                            .service(random.nextBoolean() ? text() : null)
                            .host(text())
                            .pid(random.nextInt(100_000))
                            .build())
                    .encode(randomEvent());
            DecodedLoggingEvent ours = PlainEventJsonReader.read(json, 0, json.length, decoder.limits());
            String jackson = describe(decoder.decodeWithJackson(json, 0, json.length));
            if (ours != null) {
                assertThat(describe(ours)).isEqualTo(jackson);
                plain++;
            } else {
                // Only a surrogate in an mdc key (which the encoder writes as a pair or as U+FFFD) is left to Jackson.
                assertThat(jackson)
                        .as(new String(json, StandardCharsets.UTF_8))
                        .containsPattern("[\\x{10000}-\\x{10FFFF}]");
            }
        }
        assertThat(plain).isGreaterThan(4_000);
    }

    @Test
    void neverAcceptsWhatJacksonRejectsNorReadsItDifferently() {
        byte[] base = new EventJsonEncoder().encode(randomEvent());
        int accepted = 0;
        int rejected = 0;
        for (int n = 0; n < 100_000; n++) {
            if (n % 500 == 0) {
                base = new EventJsonEncoder().encode(randomEvent());
            }
            byte[] json = mutate(base);
            String jackson;
            try {
                jackson = describe(decoder.decodeWithJackson(json, 0, json.length));
                accepted++;
            } catch (EventDecodingException e) {
                jackson = null;
                rejected++;
            }
            DecodedLoggingEvent ours = PlainEventJsonReader.read(json, 0, json.length, decoder.limits());
            if (ours != null) {
                assertThat(describe(ours))
                        .as(new String(json, StandardCharsets.ISO_8859_1))
                        .isEqualTo(jackson);
            }
        }
        assertThat(accepted).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void handCraftedDocumentsAgreeWithJackson() {
        String ok = "{\"v\":1,\"ts\":\"2026-11-22T03:00:00.123Z\",\"level\":\"INFO\",\"logger\":\"a\"";
        String[] documents = {
            ok + "}",
            " \n" + ok + " } \r\n\t",
            ok + ",\"v\":1}",
            ok + ",\"logger\":\"b\",\"logger\":\"c\"}",
            ok + ",\"mdc\":{\"k\":\"1\",\"k\":\"2\",\"j\":null}}",
            ok + ",\"mdc\":{}}",
            ok + ",\"markers\":[]}",
            ok + ",\"markers\":[\"A\" , \"B\"]}",
            ok + ",\"pid\":0}",
            ok + ",\"pid\":007}",
            ok + ",\"pid\":-7}",
            ok + ",\"pid\":999999999999999999}",
            ok + ",\"pid\":9223372036854775807}",
            ok + ",\"pid\":1.0}",
            ok + ",\"pid\":1e3}",
            "{\"v\":1.0,\"ts\":\"2026-11-22T03:00:00Z\",\"level\":\"INFO\",\"logger\":\"a\"}",
            "{\"v\":01}",
            "{\"v\":2}",
            "{}",
            "",
            "{",
            ok + "} x",
            ok + ",}",
            ok + "]",
            ok + ",\"thread\":nul}",
            ok + ",\"thread\":null}",
            ok + ",\"message\":\"\\u0041\\ud83d\\ude00\\ud800\\/\\b\"}",
            ok + ",\"message\":\"\\x\"}",
            ok + ",\"message\":\"\\u12G4\"}",
            ok + ",\"message\":\"tab\there\"}",
            ok + ",\"unknown\":1}",
            ok + ",\"kv\":{\"a\":1}}",
            ok + ",\"mdc\":{\"\\u0041\":\"x\"}}",
            ok + ",\"level\":\"info\"}",
            ok + ",\"ts\":\"yesterday\"}",
            ok + ",\"ts\":\"2026-11-22T03:00:00+01:00\"}",
            ok + ",\"logger\":null}",
            ok + ",\"service\":5}",
            ok + ",\"markers\":[null]}",
            "\ufeff" + ok + "}"
        };
        for (String document : documents) {
            agree(document.getBytes(StandardCharsets.UTF_8), decoder);
        }
        // Malformed and awkward UTF-8 in a value: overlong, an encoded surrogate, a 5-byte lead, a lone continuation,
        // a cut sequence, the largest code point and one beyond it.
        for (String hex :
                new String[] {"c0af", "e0808a", "eda080", "f88080808a", "80", "e282", "f48fbfbf", "f4908080"}) {
            byte[] head = (ok + ",\"message\":\"").getBytes(StandardCharsets.UTF_8);
            byte[] bad = java.util.HexFormat.of().parseHex(hex);
            byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
            byte[] json = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, json, 0, head.length);
            System.arraycopy(bad, 0, json, head.length, bad.length);
            System.arraycopy(tail, 0, json, head.length + bad.length, tail.length);
            agree(json, decoder);
        }
    }

    @Test
    void givesUpAtEveryLimitAsJacksonRejects() {
        // 24 characters: the timestamp fits exactly, so that documents are rejected for the limit under test only.
        int max = 24;
        String ok = "{\"v\":1,\"ts\":\"2026-11-22T03:00:00.123Z\",\"level\":\"INFO\",\"logger\":\"abcd\"";
        EventJsonDecoder tight = new EventJsonDecoder(JsonLimits.builder()
                .maxStringLength(max)
                .maxMdcEntries(1)
                .maxMarkers(1)
                .build());
        String[] documents = {
            ok + "}",
            ok + ",\"message\":\"" + "m".repeat(max) + "\"}",
            ok + ",\"message\":\"" + "m".repeat(max + 1) + "\"}",
            ok + ",\"message\":\"" + "\u20ac".repeat(max) + "\"}",
            ok + ",\"message\":\"" + "\u20ac".repeat(max + 1) + "\"}",
            ok + ",\"message\":\"" + "\\u20ac".repeat(max + 1) + "\"}",
            ok + ",\"mdc\":{\"a\":\"1\"}}",
            ok + ",\"mdc\":{\"a\":\"1\",\"b\":\"2\"}}",
            ok + ",\"mdc\":{\"a\":\"1\",\"a\":\"2\"}}",
            // A name is limited in UTF-8 bytes: 12 two-byte letters fit, 13 do not, written or escaped.
            ok + ",\"mdc\":{\"" + "\u00e9".repeat(12) + "\":\"1\"}}",
            ok + ",\"mdc\":{\"" + "\u00e9".repeat(13) + "\":\"1\"}}",
            ok + ",\"mdc\":{\"" + "\\u00e9".repeat(13) + "\":\"1\"}}",
            ok + ",\"mdc\":{\"" + "k".repeat(max + 1) + "\":\"1\"}}",
            ok + ",\"markers\":[\"A\"]}",
            ok + ",\"markers\":[\"A\",\"B\"]}",
            ok + ",\"seq\":" + "9".repeat(19) + "}",
            ok + ",\"seq\":" + "1".repeat(19) + "}",
            ok + ",\"seq\":" + "1".repeat(20) + "}"
        };
        int acceptedByJackson = 0;
        for (String document : documents) {
            acceptedByJackson += agree(document.getBytes(StandardCharsets.UTF_8), tight) ? 1 : 0;
        }
        assertThat(acceptedByJackson)
                .as("documents Jackson accepts, so that the plain reader's answer is checked")
                .isEqualTo(8);
        // Numbers are limited like strings; with any limit below the timestamp's length Jackson rejects the event.
        EventJsonDecoder shortNumbers =
                new EventJsonDecoder(JsonLimits.builder().maxStringLength(4).build());
        assertThat(agree((ok + ",\"seq\":12345}").getBytes(StandardCharsets.UTF_8), shortNumbers))
                .isFalse();
        EventJsonDecoder flat =
                new EventJsonDecoder(JsonLimits.builder().maxDepth(1).build());
        assertThat(agree((ok + ",\"mdc\":{\"a\":\"1\"}}").getBytes(StandardCharsets.UTF_8), flat))
                .isFalse();
        assertThat(agree((ok + ",\"markers\":[]}").getBytes(StandardCharsets.UTF_8), flat))
                .isFalse();
        assertThat(agree((ok + "}").getBytes(StandardCharsets.UTF_8), flat)).isTrue();
    }

    /** The plain reader gives up or agrees; where Jackson rejects, it gives up. Returns whether Jackson accepted. */
    private static boolean agree(byte[] json, EventJsonDecoder decoder) {
        String jackson;
        try {
            jackson = describe(decoder.decodeWithJackson(json, 0, json.length));
        } catch (EventDecodingException e) {
            jackson = null;
        }
        DecodedLoggingEvent ours = PlainEventJsonReader.read(json, 0, json.length, decoder.limits());
        String document = new String(json, StandardCharsets.ISO_8859_1);
        if (jackson == null) {
            assertThat(ours).as(document).isNull();
        } else if (ours != null) {
            assertThat(describe(ours)).as(document).isEqualTo(jackson);
        }
        return jackson != null;
    }

    private LoggingEvent randomEvent() {
        LoggingEvent event = new LoggingEvent();
        event.setLevel(List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)
                .get(random.nextInt(5)));
        event.setLoggerName("com.example." + text());
        event.setThreadName(random.nextInt(10) == 0 ? null : text());
        event.setMessage(random.nextInt(10) == 0 ? null : text());
        event.setTimeStamp(random.nextLong(0, 4_102_444_800_000L));
        event.setSequenceNumber(random.nextLong(0, Long.MAX_VALUE));
        Map<String, String> mdc = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            mdc.put(random.nextBoolean() ? "key" + i : text(), random.nextInt(8) == 0 ? null : text());
        }
        event.setMDCPropertyMap(mdc);
        for (int i = random.nextInt(3); i > 0; i--) {
            event.addMarker(MARKERS.getDetachedMarker(text()));
        }
        return event;
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(6); i >= 0; i--) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    /** Flips, inserts, deletes or cuts a few bytes, favouring the bytes JSON cares about. */
    private byte[] mutate(byte[] json) {
        byte[] special = "{}[]\":,\\ 0123456789-.eEnul\u00c3\u00a9".getBytes(StandardCharsets.ISO_8859_1);
        List<Byte> bytes = new ArrayList<>();
        for (byte b : json) {
            bytes.add(b);
        }
        for (int k = 1 + random.nextInt(3); k > 0 && !bytes.isEmpty(); k--) {
            int at = random.nextInt(bytes.size());
            byte value = random.nextBoolean() ? special[random.nextInt(special.length)] : (byte) random.nextInt(256);
            switch (random.nextInt(4)) {
                case 0 -> bytes.set(at, value);
                case 1 -> bytes.add(at, value);
                case 2 -> bytes.remove(at);
                default -> bytes.subList(at, bytes.size()).clear();
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    /** Every field a decoded event carries, as text. */
    private static String describe(DecodedLoggingEvent e) {
        List<String> markers = new ArrayList<>();
        for (Marker marker : e.getMarkerList()) {
            markers.add(marker.getName());
        }
        return String.join(
                "|",
                String.valueOf(e.getSchemaVersion()),
                String.valueOf(e.getInstant()),
                String.valueOf(e.getLevel()),
                e.getLoggerName(),
                String.valueOf(e.getThreadName()),
                String.valueOf(e.getMessage()),
                String.valueOf(e.getMdc()),
                String.valueOf(markers),
                String.valueOf(e.getKeyValuePairs()),
                String.valueOf(e.getThrowableProxy()),
                String.valueOf(e.getCallerData().length),
                String.valueOf(e.getService()),
                String.valueOf(e.getHost()),
                String.valueOf(e.getPid()),
                String.valueOf(e.getSequenceNumber()));
    }
}
