package dev.sluice.core.json;

import static dev.sluice.core.json.JsonTrees.names;
import static dev.sluice.core.json.JsonTrees.text;
import static dev.sluice.core.json.JsonTrees.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;
import tools.jackson.databind.JsonNode;

class EventJsonEncoderTest {

    private static final String MINIMAL =
            "{\"v\":1,\"ts\":\"2026-11-21T18:35:56.123Z\",\"level\":\"INFO\",\"logger\":\"a.B\"}";

    private final TestEvents events = new TestEvents();
    private final EventJsonDecoder decoder = new EventJsonDecoder();
    private final EventJsonEncoder encoder = new EventJsonEncoder(EventJsonSettings.builder()
            .service("billing")
            .host("host-1")
            .pid(4242)
            .build());

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private LoggingEvent richEvent() {
        LoggingEvent event = events.event(Level.WARN, "paid {} of {}", new IllegalStateException("boom"), 3, 5);
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("requestId", "r-1");
        mdc.put("user", "ann");
        event.setMDCPropertyMap(mdc);
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("orderId", 17));
        event.addMarker(new BasicMarkerFactory().getDetachedMarker("AUDIT"));
        event.setCallerData(
                new StackTraceElement[] {new StackTraceElement("com.example.Billing", "pay", "Billing.java", 12)});
        return event;
    }

    @Test
    void writesEveryFieldInTheDocumentedOrder() {
        JsonNode json = tree(encoder.encode(richEvent()));

        assertThat(names(json))
                .containsExactly(
                        "v",
                        "ts",
                        "level",
                        "logger",
                        "thread",
                        "message",
                        "mdc",
                        "kv",
                        "markers",
                        "throwable",
                        "caller",
                        "service",
                        "host",
                        "pid",
                        "seq");
        assertThat(json.get("v").intValue()).isEqualTo(1);
        assertThat(json.get("ts").stringValue()).isEqualTo("2026-11-21T18:35:56.123Z");
        assertThat(json.get("level").stringValue()).isEqualTo("WARN");
        assertThat(json.get("logger").stringValue()).isEqualTo("com.example.Billing");
        assertThat(json.get("thread").stringValue()).isEqualTo("worker-1");
        assertThat(json.get("message").stringValue()).isEqualTo("paid 3 of 5");
        assertThat(names(json.get("mdc"))).containsExactly("requestId", "user");
        assertThat(json.get("mdc").get("user").stringValue()).isEqualTo("ann");
        assertThat(json.get("kv").get("orderId").intValue()).isEqualTo(17);
        assertThat(json.get("markers").get(0).stringValue()).isEqualTo("AUDIT");
        assertThat(json.get("throwable").get("class").stringValue()).isEqualTo("java.lang.IllegalStateException");
        assertThat(names(json.get("caller"))).containsExactly("class", "method", "file", "line");
        assertThat(json.get("caller").get("line").intValue()).isEqualTo(12);
        assertThat(json.get("service").stringValue()).isEqualTo("billing");
        assertThat(json.get("host").stringValue()).isEqualTo("host-1");
        assertThat(json.get("pid").longValue()).isEqualTo(4242);
        assertThat(json.get("seq").longValue()).isEqualTo(42);
    }

    @Test
    void omitsEmptyOptionalFieldsAndWritesNullMessage() {
        LoggingEvent event = events.event(Level.INFO, null, null);
        event.setMDCPropertyMap(Map.of());

        byte[] bytes = new EventJsonEncoder().encode(event);

        assertThat(names(tree(bytes))).containsExactly("v", "ts", "level", "logger", "thread", "message", "pid", "seq");
        assertThat(text(bytes)).contains("\"message\":null").doesNotEndWith("\n");
    }

    @Test
    void cutsTheMessageMdcValuesKvStringsAndThrowableMessagesToMaxStringLength() {
        String longText = "x".repeat(100);
        String cut = "x".repeat(43) + "…[truncated 57 chars]";
        Object longObject = new Object() {
            @Override
            public String toString() {
                return longText;
            }
        };
        LoggingEvent event = events.event(Level.ERROR, longText, new IllegalStateException(longText));
        event.setMDCPropertyMap(Map.of("m", longText));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("s", longText));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("o", longObject));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("n", new BigInteger("9".repeat(100))));
        EventJsonEncoder capped = new EventJsonEncoder(
                EventJsonSettings.builder().maxStringLength(64).build());

        JsonNode json = tree(capped.encode(event));

        assertThat(json.get("message").stringValue()).isEqualTo(cut).hasSize(64);
        assertThat(json.get("mdc").get("m").stringValue()).isEqualTo(cut);
        assertThat(json.get("kv").get("s").stringValue()).isEqualTo(cut);
        assertThat(json.get("kv").get("o").stringValue()).isEqualTo(cut);
        assertThat(json.get("kv").get("n").isNumber()).isTrue();
        assertThat(json.get("throwable").get("message").stringValue()).isEqualTo(cut);
    }

    @Test
    void writesOtherLongStringsWhole() {
        String longText = "y".repeat(100);
        LoggingEvent event = new LoggingEvent(TestEvents.FQCN, events.logger, Level.INFO, "x", null, null);
        event.setThreadName(longText);
        event.setMDCPropertyMap(Map.of(longText, "v"));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair(longText, 1));
        event.addMarker(new BasicMarkerFactory().getDetachedMarker(longText));
        EventJsonEncoder capped = new EventJsonEncoder(EventJsonSettings.builder()
                .service(longText)
                .host(longText)
                .maxStringLength(64)
                .build());

        JsonNode json = tree(capped.encode(event));

        assertThat(json.get("thread").stringValue()).isEqualTo(longText);
        assertThat(names(json.get("mdc"))).containsExactly(longText);
        assertThat(names(json.get("kv"))).containsExactly(longText);
        assertThat(json.get("markers").get(0).stringValue()).isEqualTo(longText);
        assertThat(json.get("service").stringValue()).isEqualTo(longText);
        assertThat(json.get("host").stringValue()).isEqualTo(longText);
    }

    @Test
    void writesTimestampsWithExactlyThreeFractionDigitsInUtc() {
        LoggingEvent event = events.event("x");
        event.setTimeStamp(0);
        assertThat(tree(encoder.encode(event)).get("ts").stringValue()).isEqualTo("1970-01-01T00:00:00.000Z");
        event.setTimeStamp(TestEvents.TIMESTAMP - 118);
        assertThat(tree(encoder.encode(event)).get("ts").stringValue()).isEqualTo("2026-11-21T18:35:56.005Z");
        event.setTimeStamp(-1);
        assertThat(tree(encoder.encode(event)).get("ts").stringValue()).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void writesYearsOutside0000To9999AsIsoExpandedYearsThatDecodeToTheSameTime() {
        LoggingEvent event = events.event("x");
        long[] millis = {253_402_300_800_000L, -62_167_219_200_001L, Long.MAX_VALUE, Long.MIN_VALUE};
        String[] expected = {
            "+10000-01-01T00:00:00.000Z",
            "-0001-12-31T23:59:59.999Z",
            "+292278994-08-17T07:12:55.807Z",
            "-292275055-05-16T16:47:04.192Z"
        };

        for (int i = 0; i < millis.length; i++) {
            event.setTimeStamp(millis[i]);
            byte[] json = encoder.encode(event);

            assertThat(tree(json).get("ts").stringValue()).isEqualTo(expected[i]);
            assertThat(decoder.decode(json).getTimeStamp()).isEqualTo(millis[i]);
        }
    }

    @Test
    void mapsKeyValueTypes() {
        LoggingEvent event = events.event("kv");
        Object unprintable = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };
        Object[][] pairs = {
            {"s", "text"},
            {"t", true},
            {"i", 7},
            {"l", 9_007_199_254_740_993L},
            {"sh", (short) 3},
            {"by", (byte) 4},
            {"bi", new BigInteger("123456789012345678901234567890")},
            {"f", 1.1f},
            {"d", 2.5d},
            {"bd", new BigDecimal("1.50")},
            {"nan", Double.NaN},
            {"inf", Double.POSITIVE_INFINITY},
            {"finf", Float.NEGATIVE_INFINITY},
            {"n", null},
            {"obj", List.of(1, 2)},
            {"bad", unprintable}
        };
        for (Object[] pair : pairs) {
            event.addKeyValuePair(new org.slf4j.event.KeyValuePair((String) pair[0], pair[1]));
        }

        String json = text(encoder.encode(event));

        assertThat(json)
                .contains("\"kv\":{\"s\":\"text\",\"t\":true,\"i\":7,\"l\":9007199254740993,\"sh\":3,\"by\":4,"
                        + "\"bi\":123456789012345678901234567890,\"f\":1.1,\"d\":2.5,\"bd\":1.50,"
                        + "\"nan\":\"NaN\",\"inf\":\"Infinity\",\"finf\":\"-Infinity\",\"n\":null,"
                        + "\"obj\":\"[1, 2]\",\"bad\":\"[FAILED toString()]\"}");
    }

    @Test
    void omitsKeyValuesThatAreAllNull() {
        LoggingEvent event = events.event("x");
        event.addKeyValuePair(null); // LoggingEvent.addKeyValuePair accepts null (addMarker ignores it)
        event.addKeyValuePair(null);

        assertThat(tree(encoder.encode(event)).has("kv")).isFalse();

        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("k", 1));
        assertThat(text(encoder.encode(event))).contains("\"kv\":{\"k\":1}");
    }

    @Test
    void omitsMarkersThatAreAllNullOrUnnamed() {
        Marker unnamed = (Marker) Proxy.newProxyInstance(
                Marker.class.getClassLoader(), new Class<?>[] {Marker.class}, (proxy, method, args) -> null);
        List<Marker> markers = new ArrayList<>();
        markers.add(null);
        markers.add(unnamed);

        assertThat(tree(encoder.encode(overriding(events.event("x"), "getMarkerList", markers)))
                        .has("markers"))
                .isFalse();

        markers.add(new BasicMarkerFactory().getDetachedMarker("AUDIT"));
        assertThat(text(encoder.encode(overriding(events.event("x"), "getMarkerList", markers))))
                .contains("\"markers\":[\"AUDIT\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"StackOverflowError", "NoClassDefFoundError", "AssertionError", "checked"})
    void writesFailedToStringForAKeyValueWhoseToStringThrowsAnyError(String thrown) {
        LoggingEvent event = events.event("x");
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("bad", throwingToString(thrown)));

        byte[] json = encoder.encode(event);

        assertThat(decoder.decode(json).getKeyValuePairs().get(0).value).isEqualTo(EventJsonEncoder.FAILED_TO_STRING);
    }

    @Test
    void rethrowsAnOutOfMemoryErrorFromAKeyValueToString() {
        LoggingEvent event = events.event("x");
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("bad", throwingToString("OutOfMemoryError")));

        assertThatThrownBy(() -> encoder.encode(event)).isInstanceOf(OutOfMemoryError.class);
    }

    private static Object throwingToString(String thrown) {
        return new Object() {
            @Override
            public String toString() {
                switch (thrown) {
                    case "StackOverflowError":
                        throw new StackOverflowError("recursive toString");
                    case "NoClassDefFoundError":
                        throw new NoClassDefFoundError("com/example/Missing");
                    case "AssertionError":
                        throw new AssertionError("invariant");
                    case "OutOfMemoryError":
                        throw new OutOfMemoryError("simulated");
                    default:
                        return sneakyThrow(new java.io.IOException("checked, thrown sneakily"));
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> String sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Test
    void writesDuplicateKeyValueKeysInOrder() {
        LoggingEvent event = events.event("dup");
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("k", 1));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("k", 2));

        assertThat(text(encoder.encode(event))).contains("\"kv\":{\"k\":1,\"k\":2}");
    }

    @Test
    @SuppressWarnings("deprecation") // Marker.add is the only way to build a marker reference
    void writesOnlyTopLevelMarkerNames() {
        BasicMarkerFactory markers = new BasicMarkerFactory();
        Marker parent = markers.getDetachedMarker("PARENT");
        parent.add(markers.getDetachedMarker("CHILD"));
        LoggingEvent event = events.event("m");
        event.addMarker(parent);
        event.addMarker(markers.getDetachedMarker("OTHER"));

        assertThat(text(encoder.encode(event))).contains("\"markers\":[\"PARENT\",\"OTHER\"]");
    }

    @Test
    void capsFramesAndCountsTheRest() {
        EventJsonEncoder capped =
                new EventJsonEncoder(EventJsonSettings.builder().maxFrames(10).build());
        LoggingEvent event = events.event(Level.ERROR, "f", TestEvents.withFrames(new RuntimeException("many"), 25));

        JsonNode throwable = tree(capped.encode(event)).get("throwable");

        assertThat(throwable.get("frames").size()).isEqualTo(10);
        assertThat(throwable.get("omittedFrames").intValue()).isEqualTo(15);
        assertThat(names(throwable.get("frames").get(0))).containsExactly("class", "method", "file", "line");
        assertThat(throwable.get("frames").get(9).get("method").stringValue()).isEqualTo("call9");
    }

    @Test
    void leavesOutFramesCommonWithTheEnclosingTrace() {
        RuntimeException cause = new RuntimeException("inner");
        RuntimeException outer = new RuntimeException("outer", cause);
        StackTraceElement[] outerFrames =
                TestEvents.withFrames(new RuntimeException(), 6).getStackTrace();
        outer.setStackTrace(outerFrames);
        // The cause shares its last four frames with the outer trace.
        StackTraceElement[] causeFrames = new StackTraceElement[6];
        causeFrames[0] = new StackTraceElement("com.example.Deep", "a", "Deep.java", 1);
        causeFrames[1] = new StackTraceElement("com.example.Deep", "b", "Deep.java", 2);
        System.arraycopy(outerFrames, 2, causeFrames, 2, 4);
        cause.setStackTrace(causeFrames);

        JsonNode json =
                tree(encoder.encode(events.event(Level.ERROR, "x", outer))).get("throwable");

        assertThat(json.get("frames").size()).isEqualTo(6);
        assertThat(json.has("omittedFrames")).isFalse();
        assertThat(json.get("cause").get("frames").size()).isEqualTo(2);
        assertThat(json.get("cause").get("omittedFrames").intValue()).isEqualTo(4);
    }

    @Test
    void writesCausesAndSuppressedAndMarksTheDepthCap() {
        RuntimeException root = new RuntimeException("level 4");
        RuntimeException chain =
                new RuntimeException("level 1", new RuntimeException("level 2", new RuntimeException("level 3", root)));
        chain.addSuppressed(new IllegalArgumentException("suppressed 2", new RuntimeException("suppressed 3")));
        EventJsonEncoder shallow = new EventJsonEncoder(
                EventJsonSettings.builder().maxThrowableDepth(3).build());

        JsonNode json =
                tree(shallow.encode(events.event(Level.ERROR, "x", chain))).get("throwable");

        assertThat(json.get("message").stringValue()).isEqualTo("level 1");
        JsonNode level3 = json.get("cause").get("cause");
        assertThat(level3.get("message").stringValue()).isEqualTo("level 3");
        assertThat(level3.get("truncated").booleanValue()).isTrue();
        assertThat(level3.has("cause")).isFalse();
        JsonNode suppressed = json.get("suppressed").get(0);
        assertThat(suppressed.get("message").stringValue()).isEqualTo("suppressed 2");
        assertThat(suppressed.get("cause").get("message").stringValue()).isEqualTo("suppressed 3");
        assertThat(suppressed.get("cause").has("truncated")).isFalse();
        assertThat(json.has("truncated")).isFalse();
    }

    @Test
    void capsSuppressedThrowablesAndCountsTheRest() {
        RuntimeException top = new RuntimeException("close all");
        for (int i = 0; i < 5; i++) {
            top.addSuppressed(new IllegalStateException("close " + i));
        }
        EventJsonEncoder capped = new EventJsonEncoder(
                EventJsonSettings.builder().maxSuppressed(2).build());

        JsonNode json = tree(capped.encode(events.event(Level.ERROR, "x", top))).get("throwable");

        assertThat(json.get("suppressed").size()).isEqualTo(2);
        assertThat(json.get("suppressed").get(1).get("message").stringValue()).isEqualTo("close 1");
        assertThat(json.get("omittedSuppressed").intValue()).isEqualTo(3);
        assertThat(names(json)).endsWith("suppressed", "omittedSuppressed");
    }

    @Test
    void writesOnlyTheCountOfSuppressedThrowablesWhenMaxSuppressedIsZero() {
        RuntimeException top = new RuntimeException("close all");
        top.addSuppressed(new IllegalStateException("close"));
        EventJsonEncoder none = new EventJsonEncoder(
                EventJsonSettings.builder().maxSuppressed(0).build());

        JsonNode json = tree(none.encode(events.event(Level.ERROR, "x", top))).get("throwable");

        assertThat(json.has("suppressed")).isFalse();
        assertThat(json.get("omittedSuppressed").intValue()).isEqualTo(1);
        assertThat(tree(encoder.encode(events.event(Level.ERROR, "x", new RuntimeException())))
                        .get("throwable")
                        .has("omittedSuppressed"))
                .isFalse();
    }

    @Test
    void skipsNullSuppressedThrowablesOfAForeignProxy() {
        IThrowableProxy nullsOnly = new ForeignProxy("com.example.Nulls", null, new IThrowableProxy[] {null, null});
        IThrowableProxy oneOfThree =
                new ForeignProxy("com.example.Some", null, new IThrowableProxy[] {null, nullsOnly, null});

        JsonNode json = tree(encoder.encode(withThrowableProxy(events.event("x"), oneOfThree)))
                .get("throwable");

        assertThat(json.get("suppressed").size()).isEqualTo(1);
        assertThat(json.has("omittedSuppressed")).isFalse();
        assertThat(names(json.get("suppressed").get(0))).containsExactly("class", "message", "frames");
    }

    @Test
    void capsFramesAcrossTheWholeTreeAndCountsTheRestInEachThrowable() {
        RuntimeException cause = TestEvents.withFrames(new IllegalStateException("cause"), 6);
        // Distinct frames, so none is common with the enclosing trace.
        StackTraceElement[] causeFrames = cause.getStackTrace();
        for (int i = 0; i < causeFrames.length; i++) {
            causeFrames[i] = new StackTraceElement("com.example.Cause", "c" + i, "Cause.java", i + 1);
        }
        cause.setStackTrace(causeFrames);
        RuntimeException top = TestEvents.withFrames(new RuntimeException("top", cause), 6);
        top.addSuppressed(TestEvents.withFrames(new IllegalArgumentException("suppressed"), 3));
        EventJsonEncoder budget = new EventJsonEncoder(
                EventJsonSettings.builder().maxTotalFrames(10).build());

        JsonNode json = tree(budget.encode(events.event(Level.ERROR, "x", top))).get("throwable");

        assertThat(json.get("frames").size()).isEqualTo(6);
        assertThat(json.has("omittedFrames")).isFalse();
        assertThat(json.get("cause").get("frames").size()).isEqualTo(4);
        assertThat(json.get("cause").get("omittedFrames").intValue()).isEqualTo(2);
        JsonNode suppressed = json.get("suppressed").get(0);
        assertThat(suppressed.get("frames").size()).isZero();
        assertThat(suppressed.get("omittedFrames").intValue()).isEqualTo(3);
    }

    @Test
    void writesALogbackCyclicCauseOnceAndMarksIt() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);

        JsonNode json =
                tree(encoder.encode(events.event(Level.ERROR, "cycle", b))).get("throwable");

        assertThat(json.get("message").stringValue()).isEqualTo("b");
        assertThat(json.get("cause").get("message").stringValue()).isEqualTo("a");
        JsonNode repeat = json.get("cause").get("cause");
        assertThat(repeat.get("message").stringValue()).isEqualTo("b");
        assertThat(repeat.get("cyclic").booleanValue()).isTrue();
        assertThat(repeat.get("frames").size()).isZero();
        assertThat(repeat.has("cause")).isFalse();
    }

    @Test
    void stopsAForeignProxyThatIsItsOwnCause() {
        IThrowableProxy selfish = new ForeignProxy("com.example.Selfish", null, new IThrowableProxy[0]) {
            @Override
            public IThrowableProxy getCause() {
                return this;
            }
        };
        ILoggingEvent event = withThrowableProxy(events.event("x"), selfish);

        JsonNode json = tree(encoder.encode(event)).get("throwable");

        assertThat(json.has("cyclic")).isFalse();
        assertThat(json.get("cause").get("cyclic").booleanValue()).isTrue();
        assertThat(json.get("cause").has("cause")).isFalse();
    }

    @Test
    void keepsTheProducersIdentityAndThrowableCountsWhenReEncodingADecodedEvent() {
        byte[] fromWorker = utf8(MINIMAL.substring(0, MINIMAL.length() - 1)
                + ",\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedFrames\":5,\"truncated\":true,"
                + "\"omittedSuppressed\":3},\"service\":\"worker\",\"host\":\"w-1\",\"pid\":7,\"seq\":99}");
        EventJsonEncoder central = new EventJsonEncoder(EventJsonSettings.builder()
                .service("central")
                .host("c-1")
                .pid(1)
                .build());

        DecodedLoggingEvent forwarded = decoder.decode(central.encode(decoder.decode(fromWorker)));

        DecodedThrowableProxy throwable = (DecodedThrowableProxy) forwarded.getThrowableProxy();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(forwarded.getSequenceNumber()).as("seq").isEqualTo(99);
            softly.assertThat(forwarded.getService()).as("service").isEqualTo("worker");
            softly.assertThat(forwarded.getHost()).as("host").isEqualTo("w-1");
            softly.assertThat(forwarded.getPid()).as("pid").isEqualTo(7);
            softly.assertThat(throwable.getOmittedFrames()).as("omittedFrames").isEqualTo(5);
            softly.assertThat(throwable.isTruncated()).as("truncated").isTrue();
            softly.assertThat(throwable.getOmittedSuppressed())
                    .as("omittedSuppressed")
                    .isEqualTo(3);
        });
    }

    @Test
    void leavesOutIdentityFieldsTheDecodedEventDidNotCarry() {
        byte[] reEncoded = encoder.encode(decoder.decode(utf8(MINIMAL)));

        assertThat(names(tree(reEncoded)))
                .doesNotContain("service", "host", "pid")
                .contains("seq");
        assertThat(decoder.decode(reEncoded).getPid()).isEqualTo(DecodedLoggingEvent.UNKNOWN_PID);
    }

    @Test
    void addsWhatItLeavesOutOfADecodedThrowableToWhatWasLeftOutBefore() {
        String frame = "{\"class\":\"A\",\"method\":\"m\",\"line\":1}";
        String suppressed = "{\"class\":\"S\",\"frames\":[" + frame + "],\"omittedFrames\":2}";
        byte[] received = utf8(MINIMAL.substring(0, MINIMAL.length() - 1)
                + ",\"throwable\":{\"class\":\"X\",\"frames\":["
                + frame + "," + frame + "," + frame + "],\"omittedFrames\":10,\"cause\":{\"class\":\"C\",\"frames\":[],"
                + "\"truncated\":true},\"suppressed\":[" + suppressed + "," + suppressed + "," + suppressed
                + "],\"omittedSuppressed\":4}}");
        EventJsonEncoder tighter = new EventJsonEncoder(EventJsonSettings.builder()
                .maxFrames(2)
                .maxSuppressed(1)
                .maxThrowableDepth(2)
                .build());

        JsonNode json = tree(tighter.encode(decoder.decode(received))).get("throwable");

        assertThat(json.get("frames").size()).isEqualTo(2);
        assertThat(json.get("omittedFrames").intValue()).isEqualTo(11);
        assertThat(json.get("cause").get("truncated").booleanValue()).isTrue();
        assertThat(json.get("suppressed").size()).isEqualTo(1);
        assertThat(json.get("suppressed").get(0).get("omittedFrames").intValue())
                .isEqualTo(2);
        assertThat(json.get("omittedSuppressed").intValue()).isEqualTo(6);
        assertThat(names(json))
                .containsExactly(
                        "class", "message", "frames", "omittedFrames", "cause", "suppressed", "omittedSuppressed");
    }

    @Test
    void keepsTheCountsOfADecodedThrowableCutAtTheDepthCapAndNeverOverflowsThem() {
        byte[] received = utf8(MINIMAL.substring(0, MINIMAL.length() - 1)
                + ",\"throwable\":{\"class\":\"X\",\"frames\":[{\"class\":\"T\",\"method\":\"t\",\"line\":1}],"
                + "\"cause\":{\"class\":\"C\",\"frames\":[{\"class\":\"A\",\"method\":\"m\",\"line\":1}],"
                + "\"omittedFrames\":2147483647,\"truncated\":true,\"omittedSuppressed\":2}}}");
        EventJsonEncoder shallow = new EventJsonEncoder(EventJsonSettings.builder()
                .maxThrowableDepth(2)
                .maxTotalFrames(1)
                .build());
        EventJsonEncoder budget = new EventJsonEncoder(
                EventJsonSettings.builder().maxTotalFrames(1).build());
        DecodedLoggingEvent event = decoder.decode(received);
        DecodedThrowableProxy decodedCause =
                (DecodedThrowableProxy) event.getThrowableProxy().getCause();
        assertThat(decodedCause.getStackTraceElementProxyArray()).hasSize(1);

        for (EventJsonEncoder each : List.of(shallow, budget)) {
            JsonNode cause = tree(each.encode(event)).get("throwable").get("cause");

            assertThat(cause.get("omittedFrames").intValue()).isEqualTo(Integer.MAX_VALUE);
            assertThat(cause.get("truncated").booleanValue()).isTrue();
            assertThat(cause.get("omittedSuppressed").intValue()).isEqualTo(2);
        }
    }

    @Test
    void writesCallerOnlyWhenCapturedAndNeverComputesIt() {
        LoggingEvent event = events.event("no caller");

        assertThat(tree(encoder.encode(event)).has("caller")).isFalse();
        assertThat(event.hasCallerData()).isFalse();
    }

    @Test
    void writesSurrogatePairsAsUtf8AndLoneSurrogatesAsEscapes() {
        LoggingEvent event = events.event("smile \uD83D\uDE00 日本語 lone \uD83D end");

        byte[] bytes = encoder.encode(event);

        assertThat(text(bytes)).contains("smile \uD83D\uDE00 日本語 lone \\uD83D end");
        assertThat(indexOf(bytes, new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}))
                .isPositive();
    }

    @Test
    void replacesLoneSurrogatesInKeysOnly() {
        LoggingEvent event = events.event("k");
        event.setMDCPropertyMap(Map.of("a\uD83Db\uDE00c\uD83D\uDE00", "v\uD83D"));

        assertThat(text(encoder.encode(event))).contains("\"mdc\":{\"a\uFFFDb\uFFFDc\uD83D\uDE00\":\"v\\uD83D\"}");
    }

    @Test
    void escapesEveryControlCharacter() {
        String json = text(encoder.encode(events.event(TestEvents.controlCharacters())));

        for (int i = 0; i < json.length(); i++) {
            assertThat((int) json.charAt(i)).as("raw char at %d", i).isGreaterThanOrEqualTo(0x20);
        }
        assertThat(json).contains("\\u0000").contains("\\n").contains("\\t").contains("\\u001F");
    }

    @Test
    void writesToAStreamWithoutClosingOrFlushingIt() throws Exception {
        LoggingEvent event = richEvent();
        boolean[] closedOrFlushed = {false};
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FilterOutputStream watched = new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) {
                sink.write(b, off, len);
            }

            @Override
            public void flush() {
                closedOrFlushed[0] = true;
            }

            @Override
            public void close() {
                closedOrFlushed[0] = true;
            }
        };

        encoder.encode(event, watched);

        assertThat(sink.toByteArray()).isEqualTo(encoder.encode(event));
        assertThat(closedOrFlushed[0]).isFalse();
    }

    @Test
    void rejectsAnEventWithoutLevelAndWritesNothing() {
        LoggingEvent event = new LoggingEvent(TestEvents.FQCN, events.logger, null, "x", null, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> encoder.encode(event, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event has no level");
        assertThat(out.size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OFF", "ALL"})
    void refusesTheThresholdLevelsOffAndAllAndWritesNothing(String levelName) {
        LoggingEvent event = events.event(Level.toLevel(levelName), "x", null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> encoder.encode(event, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event has level " + levelName + ", which is a threshold, not an event level: only TRACE,"
                        + " DEBUG, INFO, WARN and ERROR are encoded");
        assertThat(out.size()).isZero();
        assertThatThrownBy(() -> encoder.encode(event)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesConcurrentlyLikeSequentially() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        List<LoggingEvent> all = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            LoggingEvent event = events.event("event " + i);
            // Spread over many seconds so the threads keep replacing the cached second.
            event.setTimeStamp(TestEvents.TIMESTAMP + i * 337L);
            all.add(event);
        }
        List<String> expected = new ArrayList<>();
        for (LoggingEvent event : all) {
            expected.add(text(new EventJsonEncoder(encoder.settings()).encode(event)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = t * perThread;
                Callable<List<String>> task = () -> {
                    List<String> out = new ArrayList<>();
                    for (int i = from; i < from + perThread; i++) {
                        out.add(text(encoder.encode(all.get(i))));
                    }
                    return out;
                };
                results.add(pool.submit(task));
            }
            List<String> actual = new ArrayList<>();
            for (Future<List<String>> result : results) {
                actual.addAll(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(actual).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void outputIsUtf8() {
        byte[] bytes = encoder.encode(events.event("é"));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"message\":\"é\"");
    }

    /** An {@link IThrowableProxy} that is not Logback's, with no frames. */
    private static class ForeignProxy implements IThrowableProxy {
        private final String className;
        private final IThrowableProxy cause;
        private final IThrowableProxy[] suppressed;

        ForeignProxy(String className, IThrowableProxy cause, IThrowableProxy[] suppressed) {
            this.className = className;
            this.cause = cause;
            this.suppressed = suppressed;
        }

        @Override
        public String getMessage() {
            return null;
        }

        @Override
        public String getClassName() {
            return className;
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return new StackTraceElementProxy[0];
        }

        @Override
        public int getCommonFrames() {
            return 0;
        }

        @Override
        public IThrowableProxy getCause() {
            return cause;
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            return suppressed;
        }

        @Override
        public boolean isCyclic() {
            return false;
        }
    }

    /** A real event seen through a proxy that swaps in a foreign throwable proxy. */
    private static ILoggingEvent withThrowableProxy(LoggingEvent delegate, IThrowableProxy throwable) {
        return overriding(delegate, "getThrowableProxy", throwable);
    }

    /** A real event seen through a proxy whose no-argument method {@code methodName} returns {@code result}. */
    private static ILoggingEvent overriding(LoggingEvent delegate, String methodName, Object result) {
        return (ILoggingEvent) Proxy.newProxyInstance(
                ILoggingEvent.class.getClassLoader(),
                new Class<?>[] {ILoggingEvent.class},
                (proxy, method, args) -> method.getName().equals(methodName) ? result : method.invoke(delegate, args));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
