package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.helpers.BasicMarkerFactory;

class EventJsonDecoderTest {

    /** The smallest valid document; tests splice fields into it. */
    private static final String MINIMAL =
            "{\"v\":1,\"ts\":\"2026-11-21T18:35:56.123Z\",\"level\":\"INFO\",\"logger\":\"a.B\"}";

    private final TestEvents events = new TestEvents();
    private final EventJsonEncoder encoder = new EventJsonEncoder(EventJsonSettings.builder()
            .service("billing")
            .host("host-1")
            .pid(4242)
            .build());
    private final EventJsonDecoder decoder = new EventJsonDecoder();

    private DecodedLoggingEvent roundTrip(ILoggingEvent event) {
        return decoder.decode(encoder.encode(event));
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #MINIMAL} with {@code fields} added at the end, e.g. {@code "mdc":{"a":"b"}}. */
    private static byte[] minimalWith(String fields) {
        return utf8(MINIMAL.substring(0, MINIMAL.length() - 1) + "," + fields + "}");
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripsEveryField() {
        IllegalStateException level3 = new IllegalStateException("level 3");
        IllegalArgumentException level2 = new IllegalArgumentException("level 2", level3);
        RuntimeException level1 = new RuntimeException("level 1", level2);
        level1.addSuppressed(new UnsupportedOperationException("suppressed"));
        LoggingEvent event = events.event(Level.ERROR, "paid {} of {}", level1, 3, 5);
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("requestId", "r-1");
        mdc.put("empty", "");
        event.setMDCPropertyMap(mdc);
        event.addKeyValuePair(new KeyValuePair("orderId", 17));
        event.addKeyValuePair(new KeyValuePair("vip", true));
        BasicMarkerFactory markers = new BasicMarkerFactory();
        event.addMarker(markers.getDetachedMarker("AUDIT"));
        event.addMarker(markers.getDetachedMarker("BILLING"));
        StackTraceElement caller = new StackTraceElement("com.example.Billing", "pay", "Billing.java", 12);
        event.setCallerData(new StackTraceElement[] {caller});

        DecodedLoggingEvent decoded = roundTrip(event);

        assertThat(decoded.getSchemaVersion()).isEqualTo(1);
        assertThat(decoded.getTimeStamp()).isEqualTo(TestEvents.TIMESTAMP);
        assertThat(decoded.getInstant()).isEqualTo(Instant.ofEpochMilli(TestEvents.TIMESTAMP));
        assertThat(decoded.getLevel()).isEqualTo(Level.ERROR);
        assertThat(decoded.getLoggerName()).isEqualTo("com.example.Billing");
        assertThat(decoded.getThreadName()).isEqualTo("worker-1");
        assertThat(decoded.getFormattedMessage()).isEqualTo("paid 3 of 5");
        assertThat(decoded.getMDCPropertyMap()).containsExactly(Map.entry("requestId", "r-1"), Map.entry("empty", ""));
        assertThat(decoded.getKeyValuePairs())
                .extracting(p -> p.key, p -> p.value)
                .containsExactly(tuple("orderId", 17), tuple("vip", true));
        assertThat(decoded.getMarkerList()).extracting(Marker::getName).containsExactly("AUDIT", "BILLING");
        assertThat(decoded.hasCallerData()).isTrue();
        assertThat(decoded.getCallerData()).containsExactly(caller);
        assertThat(decoded.getService()).isEqualTo("billing");
        assertThat(decoded.getHost()).isEqualTo("host-1");
        assertThat(decoded.getPid()).isEqualTo(4242);
        assertThat(decoded.getSequenceNumber()).isEqualTo(42);

        IThrowableProxy t1 = decoded.getThrowableProxy();
        assertThat(t1.getClassName()).isEqualTo("java.lang.RuntimeException");
        assertThat(t1.getMessage()).isEqualTo("level 1");
        assertThat(frames(t1)).containsExactlyElementsOf(frames(level1.getStackTrace(), level1.getStackTrace().length));
        IThrowableProxy t2 = t1.getCause();
        assertThat(t2.getClassName()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(t2.getMessage()).isEqualTo("level 2");
        IThrowableProxy t3 = t2.getCause();
        assertThat(t3.getClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(t3.getMessage()).isEqualTo("level 3");
        assertThat(t3.getCause()).isNull();
        // Causes created in the same method share all but their first frame with the enclosing trace.
        int common = level2.getStackTrace().length - 1;
        assertThat(frames(t2)).containsExactlyElementsOf(frames(level2.getStackTrace(), 1));
        assertThat(((DecodedThrowableProxy) t2).getOmittedFrames()).isEqualTo(common);
        assertThat(t1.getSuppressed()).hasSize(1);
        assertThat(t1.getSuppressed()[0].getClassName()).isEqualTo("java.lang.UnsupportedOperationException");
        assertThat(t1.getSuppressed()[0].getMessage()).isEqualTo("suppressed");
        assertThat(t1.isCyclic()).isFalse();
    }

    @Test
    void roundTripsACyclicCauseChain() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);

        IThrowableProxy decoded =
                roundTrip(events.event(Level.ERROR, "cycle", b)).getThrowableProxy();

        assertThat(decoded.getMessage()).isEqualTo("b");
        assertThat(decoded.getCause().getMessage()).isEqualTo("a");
        IThrowableProxy repeat = decoded.getCause().getCause();
        assertThat(repeat.isCyclic()).isTrue();
        assertThat(repeat.getMessage()).isEqualTo("b");
        assertThat(repeat.getStackTraceElementProxyArray()).isEmpty();
        assertThat(repeat.getCause()).isNull();
    }

    @Test
    void roundTripsUnicodeAndEveryControlCharacterInEveryStringField() {
        String tricky = "smile \uD83D\uDE00 日本語 한국어 " + TestEvents.controlCharacters() + " lone \uD83D, \uDE00 end";
        LoggingEvent event = new LoggingEvent(
                TestEvents.FQCN,
                events.context.getLogger("logger." + tricky),
                Level.INFO,
                tricky,
                new RuntimeException(tricky),
                null);
        event.setThreadName(tricky);
        event.setMDCPropertyMap(Map.of(tricky, tricky));
        event.addKeyValuePair(new KeyValuePair(tricky, tricky));
        event.addMarker(new BasicMarkerFactory().getDetachedMarker(tricky));
        EventJsonEncoder unicodeService = new EventJsonEncoder(
                EventJsonSettings.builder().service(tricky).host(tricky).build());

        DecodedLoggingEvent decoded = decoder.decode(unicodeService.encode(event));

        assertThat(decoded.getFormattedMessage()).isEqualTo(tricky);
        assertThat(decoded.getLoggerName()).isEqualTo("logger." + tricky);
        assertThat(decoded.getThreadName()).isEqualTo(tricky);
        // Keys cannot carry lone surrogates through a JSON parser; the encoder replaces them.
        String key = tricky.replace("\uD83D,", "\uFFFD,").replace("\uDE00 end", "\uFFFD end");
        assertThat(key).isNotEqualTo(tricky).contains("\uD83D\uDE00");
        assertThat(decoded.getMDCPropertyMap()).containsExactly(Map.entry(key, tricky));
        assertThat(decoded.getKeyValuePairs())
                .extracting(p -> p.key, p -> p.value)
                .containsExactly(tuple(key, tricky));
        assertThat(decoded.getMarkerList().get(0).getName()).isEqualTo(tricky);
        assertThat(decoded.getThrowableProxy().getMessage()).isEqualTo(tricky);
        assertThat(decoded.getService()).isEqualTo(tricky);
        assertThat(decoded.getHost()).isEqualTo(tricky);
    }

    @Test
    void roundTripsANullMessage() {
        assertThat(roundTrip(events.event(Level.DEBUG, null, null)).getFormattedMessage())
                .isNull();
    }

    @Test
    void roundTripsAOneMegabyteMessageWithDefaultLimits() {
        String big = "ab\uD83D\uDE00日\n".repeat(1 << 18); // 1.5 Mi chars, 2.75 MiB of UTF-8

        DecodedLoggingEvent decoded = roundTrip(events.event(big));

        assertThat(decoded.getFormattedMessage()).isEqualTo(big);
    }

    @Test
    void roundTripsAMessageLongerThanTheDefaultStringLimitCutToFitIt() {
        String message = "x".repeat(JsonLimits.DEFAULT_MAX_STRING_LENGTH + 1); // 4194305 characters

        String decoded = roundTrip(events.event(message)).getFormattedMessage();

        // Cut to the default maxStringLength of 4193280 characters, the 23-character marker included.
        assertThat(decoded).isEqualTo("x".repeat(4_193_257) + "…[truncated 1048 chars]");
        assertThat(decoded).hasSize(EventJsonSettings.DEFAULT_MAX_STRING_LENGTH);
    }

    @Test
    void roundTripsMdcValuesKvStringsAndThrowableMessagesLongerThanTheDefaultStringLimit() {
        String text = "x".repeat(JsonLimits.DEFAULT_MAX_STRING_LENGTH + 1);
        String cut = "x".repeat(4_193_257) + "…[truncated 1048 chars]";
        LoggingEvent event = events.event(Level.ERROR, "long", new IllegalStateException(text));
        event.setMDCPropertyMap(Map.of("m", text));
        event.addKeyValuePair(new KeyValuePair("k", text));

        DecodedLoggingEvent decoded = roundTrip(event);

        assertThat(decoded.getMDCPropertyMap().get("m")).isEqualTo(cut);
        assertThat(decoded.getKeyValuePairs().get(0).value).isEqualTo(cut);
        assertThat(decoded.getThrowableProxy().getMessage()).isEqualTo(cut);
    }

    @Test
    void roundTripsKeyValueTypes() {
        LoggingEvent event = events.event("kv");
        Object[][] pairs = {
            {"string", "text"},
            {"true", true},
            {"false", false},
            {"int", 7},
            {"short", (short) 3},
            {"long", 9_007_199_254_740_993L},
            {"big", new BigInteger("123456789012345678901234567890")},
            {"float", 1.1f},
            {"double", 2.5d},
            {"decimal", new BigDecimal("1.50")},
            {"precise", new BigDecimal("0.1000000000000000000001")},
            {"nan", Double.NaN},
            {"null", null},
            {"other", List.of("x")}
        };
        for (Object[] pair : pairs) {
            event.addKeyValuePair(new KeyValuePair((String) pair[0], pair[1]));
        }

        List<KeyValuePair> decoded = roundTrip(event).getKeyValuePairs();

        assertThat(decoded)
                .extracting(p -> p.key, p -> p.value)
                .containsExactly(
                        tuple("string", "text"),
                        tuple("true", true),
                        tuple("false", false),
                        tuple("int", 7),
                        tuple("short", 3),
                        tuple("long", 9_007_199_254_740_993L),
                        tuple("big", new BigInteger("123456789012345678901234567890")),
                        tuple("float", 1.1d),
                        tuple("double", 2.5d),
                        tuple("decimal", 1.5d),
                        tuple("precise", new BigDecimal("0.1000000000000000000001")),
                        tuple("nan", "NaN"),
                        tuple("null", null),
                        tuple("other", "[x]"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"1e999999999", "-1E-999999999", "1e100001", "1.5e-100001", "1e9999999999", "-0e-99999999999"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void keepsAKeyValueNumberWithAnAbsurdExponentAsItsText(String number) {
        DecodedLoggingEvent decoded = decoder.decode(minimalWith("\"kv\":{\"k\":" + number + "}"));

        assertThat(decoded.getKeyValuePairs().get(0).value).isEqualTo(number);
    }

    @Test
    void readsAKeyValueNumberWithAnExponentUpTo100000AsANumber() {
        List<KeyValuePair> decoded = decoder.decode(minimalWith("\"kv\":{\"a\":1e100000,\"b\":1e-100000}"))
                .getKeyValuePairs();

        assertThat(decoded.get(0).value).isEqualTo(new BigDecimal("1e100000"));
        assertThat(decoded.get(1).value).isEqualTo(new BigDecimal("1e-100000"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void keepsAKeyValueNumberLongerThan1000CharactersAsItsText() {
        String digits1000 = "9".repeat(1000);
        String digits1001 = "9".repeat(1001);
        String decimal1001 = "0." + "1".repeat(999);
        String huge = "7".repeat(1_000_000);
        BigInteger written = BigInteger.TEN.pow(2000);
        LoggingEvent event = events.event("big");
        event.addKeyValuePair(new KeyValuePair("written", written));

        List<KeyValuePair> decoded = decoder.decode(minimalWith("\"kv\":{\"a\":" + digits1000 + ",\"b\":" + digits1001
                        + ",\"c\":" + decimal1001 + ",\"d\":" + huge + "}"))
                .getKeyValuePairs();

        assertThat(decoded)
                .extracting(p -> p.value)
                .containsExactly(new BigInteger(digits1000), digits1001, decimal1001, huge);
        assertThat(roundTrip(event).getKeyValuePairs().get(0).value).isEqualTo(written.toString());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rejectsAnIntegerFieldTooLongForALongWithoutParsingIt() {
        String huge = "7".repeat(1_000_000);

        assertRejected(minimalWith("\"pid\":" + huge), "field 'pid': integer out of range: '777");
        assertRejected(minimalWith("\"seq\":-" + huge), "field 'seq': integer out of range: '-777");
        assertRejected(
                minimalWith("\"caller\":{\"class\":\"A\",\"method\":\"m\",\"line\":" + huge + "}"),
                "field 'caller.line': integer out of range: '777");
        assertThat(decoder.decode(minimalWith("\"pid\":-9223372036854775808")).getPid())
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void keepsDuplicateKeyValueKeysInOrder() {
        LoggingEvent event = events.event("dup");
        event.addKeyValuePair(new KeyValuePair("k", 1));
        event.addKeyValuePair(new KeyValuePair("k", 2));

        assertThat(roundTrip(event).getKeyValuePairs())
                .extracting(p -> p.key, p -> p.value)
                .containsExactly(tuple("k", 1), tuple("k", 2));
    }

    @Test
    void roundTripsTheFrameCap() {
        EventJsonEncoder capped =
                new EventJsonEncoder(EventJsonSettings.builder().maxFrames(10).build());
        Exception many = TestEvents.withFrames(new RuntimeException("many"), 25);

        DecodedThrowableProxy decoded =
                (DecodedThrowableProxy) decoder.decode(capped.encode(events.event(Level.ERROR, "x", many)))
                        .getThrowableProxy();

        assertThat(frames(decoded)).containsExactlyElementsOf(frames(many.getStackTrace(), 10));
        assertThat(decoded.getOmittedFrames()).isEqualTo(15);
        assertThat(decoded.getCommonFrames()).isZero();
        assertThat(decoded.isTruncated()).isFalse();
    }

    @Test
    void roundTripsTheDepthCap() {
        Exception chain = new Exception("1", new Exception("2", new Exception("3")));
        EventJsonEncoder shallow = new EventJsonEncoder(
                EventJsonSettings.builder().maxThrowableDepth(2).build());

        DecodedThrowableProxy decoded =
                (DecodedThrowableProxy) decoder.decode(shallow.encode(events.event(Level.ERROR, "x", chain)))
                        .getThrowableProxy();

        assertThat(decoded.isTruncated()).isFalse();
        DecodedThrowableProxy second = (DecodedThrowableProxy) decoded.getCause();
        assertThat(second.getMessage()).isEqualTo("2");
        assertThat(second.isTruncated()).isTrue();
        assertThat(second.getCause()).isNull();
    }

    @Test
    void roundTripsMoreSuppressedThrowablesThanTheDefaultLimitByCappingThem() {
        RuntimeException top = TestEvents.withFrames(new RuntimeException("close all"), 1);
        for (int i = 0; i <= JsonLimits.DEFAULT_MAX_SUPPRESSED; i++) {
            top.addSuppressed(TestEvents.withFrames(new IllegalStateException("close " + i), 1));
        }

        DecodedThrowableProxy decoded = (DecodedThrowableProxy)
                roundTrip(events.event(Level.ERROR, "shutdown", top)).getThrowableProxy();

        assertThat(decoded.getSuppressed()).hasSize(EventJsonSettings.DEFAULT_MAX_SUPPRESSED);
        assertThat(decoded.getSuppressed()[31].getMessage()).isEqualTo("close 31");
        assertThat(decoded.getOmittedSuppressed())
                .isEqualTo(JsonLimits.DEFAULT_MAX_SUPPRESSED + 1 - EventJsonSettings.DEFAULT_MAX_SUPPRESSED);
    }

    @Test
    void theLargestThrowableTheEncoderCanWriteFitsTheDefaultLimits() {
        // A suppressed chain to beyond the deepest depth, each with more frames than the largest frame cap and frames
        // of its own (none common with the enclosing trace), and more suppressed throwables than the largest cap.
        int frames = EventJsonSettings.MAX_FRAMES + 1;
        Exception top = framesNamed(new Exception("top"), "L0", frames);
        Exception current = top;
        for (int depth = 1; depth <= EventJsonSettings.MAX_THROWABLE_DEPTH; depth++) {
            Exception next = framesNamed(new Exception("level " + depth), "L" + depth, frames);
            current.addSuppressed(next);
            current = next;
        }
        for (int i = 0; i < EventJsonSettings.MAX_SUPPRESSED; i++) {
            top.addSuppressed(new IllegalStateException("sibling " + i));
        }
        EventJsonEncoder largest = new EventJsonEncoder(EventJsonSettings.builder()
                .maxThrowableDepth(EventJsonSettings.MAX_THROWABLE_DEPTH)
                .maxFrames(EventJsonSettings.MAX_FRAMES)
                .maxTotalFrames(EventJsonSettings.MAX_TOTAL_FRAMES)
                .maxSuppressed(EventJsonSettings.MAX_SUPPRESSED)
                .build());
        LoggingEvent event = events.event(Level.ERROR, "largest", top);

        DecodedThrowableProxy decoded =
                (DecodedThrowableProxy) decoder.decode(largest.encode(event)).getThrowableProxy();
        DecodedThrowableProxy byDefault =
                (DecodedThrowableProxy) roundTrip(event).getThrowableProxy();

        assertThat(countFrames(decoded)).isEqualTo(EventJsonSettings.MAX_TOTAL_FRAMES);
        assertThat(decoded.getSuppressed()).hasSize(EventJsonSettings.MAX_SUPPRESSED);
        assertThat(decoded.getOmittedSuppressed()).isEqualTo(1);
        assertThat(countFrames(byDefault)).isEqualTo(EventJsonSettings.DEFAULT_MAX_TOTAL_FRAMES);
        assertThat(byDefault.getStackTraceElementProxyArray()).hasSize(EventJsonSettings.DEFAULT_MAX_FRAMES);
        assertThat(byDefault.getSuppressed()).hasSize(EventJsonSettings.DEFAULT_MAX_SUPPRESSED);
    }

    private static <T extends Throwable> T framesNamed(T e, String className, int count) {
        StackTraceElement[] frames = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            frames[i] = new StackTraceElement("com.example." + className, "m" + i, className + ".java", i + 1);
        }
        e.setStackTrace(frames);
        return e;
    }

    private static int countFrames(IThrowableProxy proxy) {
        int count = proxy.getStackTraceElementProxyArray().length;
        if (proxy.getCause() != null) {
            count += countFrames(proxy.getCause());
        }
        for (IThrowableProxy each : proxy.getSuppressed()) {
            count += countFrames(each);
        }
        return count;
    }

    @Test
    void readsOmittedSuppressed() {
        DecodedThrowableProxy decoded = (DecodedThrowableProxy)
                decoder.decode(minimalWith("\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedSuppressed\":7}"))
                        .getThrowableProxy();

        assertThat(decoded.getOmittedSuppressed()).isEqualTo(7);
        assertThat(decoded.getSuppressed()).isEmpty();
        assertThat(((DecodedThrowableProxy) decoder.decode(minimalWith("\"throwable\":{\"class\":\"X\",\"frames\":[]}"))
                                .getThrowableProxy())
                        .getOmittedSuppressed())
                .isZero();
    }

    @Test
    void theDeepestDocumentTheEncoderCanWriteFitsTheDefaultDepthLimit() {
        // Suppressed nesting costs two JSON levels per throwable: the worst case for the JSON depth.
        Exception top = new Exception("0");
        Exception current = top;
        for (int i = 1; i < 40; i++) {
            Exception next = new Exception(Integer.toString(i));
            current.addSuppressed(next);
            current = next;
        }
        EventJsonEncoder deepest = new EventJsonEncoder(EventJsonSettings.builder()
                .maxThrowableDepth(EventJsonSettings.MAX_THROWABLE_DEPTH)
                .build());

        IThrowableProxy decoded = decoder.decode(deepest.encode(events.event(Level.ERROR, "deep", top)))
                .getThrowableProxy();

        int depth = 1;
        while (decoded.getSuppressed().length > 0) {
            decoded = decoded.getSuppressed()[0];
            depth++;
        }
        assertThat(depth).isEqualTo(EventJsonSettings.MAX_THROWABLE_DEPTH);
        assertThat(((DecodedThrowableProxy) decoded).isTruncated()).isTrue();
    }

    // ---------------------------------------------------------------- tolerated input

    @Test
    void decodesAMinimalDocumentWithDefaults() {
        DecodedLoggingEvent decoded = decoder.decode(utf8(MINIMAL));

        assertThat(decoded.getLevel()).isEqualTo(Level.INFO);
        assertThat(decoded.getLoggerName()).isEqualTo("a.B");
        assertThat(decoded.getThreadName()).isNull();
        assertThat(decoded.getFormattedMessage()).isNull();
        assertThat(decoded.getMDCPropertyMap()).isEmpty();
        assertThat(decoded.getKeyValuePairs()).isEmpty();
        assertThat(decoded.getMarkerList()).isEmpty();
        assertThat(decoded.getThrowableProxy()).isNull();
        assertThat(decoded.hasCallerData()).isFalse();
        assertThat(decoded.getService()).isNull();
        assertThat(decoded.getHost()).isNull();
        assertThat(decoded.getPid()).isEqualTo(DecodedLoggingEvent.UNKNOWN_PID);
        assertThat(decoded.getSequenceNumber()).isZero();
    }

    @Test
    void ignoresUnknownFieldsAtEveryLevel() {
        byte[] json = minimalWith("\"future\":{\"deep\":[1,{\"x\":null}]},\"z\":true,"
                + "\"throwable\":{\"class\":\"X\",\"extra\":[1],\"frames\":["
                + "{\"class\":\"A\",\"method\":\"m\",\"line\":3,\"module\":\"java.base\"}]},"
                + "\"caller\":{\"class\":\"C\",\"method\":\"n\",\"line\":4,\"column\":9}");

        DecodedLoggingEvent decoded = decoder.decode(json);

        assertThat(decoded.getThrowableProxy().getClassName()).isEqualTo("X");
        assertThat(decoded.getThrowableProxy()
                        .getStackTraceElementProxyArray()[0]
                        .getStackTraceElement())
                .isEqualTo(new StackTraceElement("A", "m", null, 3));
        assertThat(decoded.getCallerData()[0]).isEqualTo(new StackTraceElement("C", "n", null, 4));
    }

    @Test
    void acceptsSurroundingWhitespaceAndASliceOfALargerBuffer() {
        byte[] line = utf8("  " + MINIMAL + "\r\n");
        byte[] buffer = new byte[line.length + 20];
        Arrays.fill(buffer, (byte) '#');
        System.arraycopy(line, 0, buffer, 10, line.length);

        assertThat(decoder.decode(buffer, 10, line.length).getLoggerName()).isEqualTo("a.B");
        assertThatThrownBy(() -> decoder.decode(buffer, 10, line.length + 1))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> decoder.decode(buffer, 10, buffer.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void acceptsOtherTimestampPrecisions() {
        assertThat(decoder.decode(utf8(MINIMAL.replace(".123Z", "Z"))).getTimeStamp())
                .isEqualTo(TestEvents.TIMESTAMP - 123);
        DecodedLoggingEvent nanos = decoder.decode(utf8(MINIMAL.replace(".123Z", ".123456789Z")));
        assertThat(nanos.getTimeStamp()).isEqualTo(TestEvents.TIMESTAMP);
        assertThat(nanos.getNanoseconds()).isEqualTo(123_456_789);
    }

    @Test
    void acceptsTheLimitsExactly() {
        String message = "x".repeat(24); // as long as the timestamp
        byte[] json = minimalWith("\"message\":\"" + message + "\",\"mdc\":{\"a\":\"1\",\"b\":\"2\"}");
        EventJsonDecoder tight = new EventJsonDecoder(JsonLimits.builder()
                .maxDocumentBytes(json.length)
                .maxStringLength(24)
                .maxMdcEntries(2)
                .maxDepth(2)
                .build());

        assertThat(tight.decode(json).getFormattedMessage()).isEqualTo(message);
    }

    // ---------------------------------------------------------------- rejected input

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "empty                  ||expected a JSON object at the top level but found the end of the document",
                "array                  |[1]|expected a JSON object at the top level but found an array",
                "string                 |\"x\"|expected a JSON object at the top level but found a string",
                "truncated              |{\"v\":1,\"ts\":\"2026|malformed JSON at line 1, column ",
                "truncated object       |{\"v\":1|malformed JSON at line 1, column ",
                "trailing garbage       |" + MINIMAL + "x|malformed JSON at line 1, column ",
                "second value           |" + MINIMAL + "{}|unexpected content after the event object: an object",
                "not JSON               |hello|malformed JSON at line 1, column ",
                "single quotes          |{'v':1}|malformed JSON at line 1, column ",
            })
    void rejectsMalformedDocuments(String name, String json, String message) {
        assertRejected(utf8(json == null ? "" : json), message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "v string          |`\"v\":\"1\"`|field 'v': expected an integer but found a string",
                "level number      |`\"level\":1`|field 'level': expected a string but found an integer",
                "logger null       |`\"logger\":null`|field 'logger': expected a string but found null",
                "thread array      |`\"thread\":[]`|field 'thread': expected a string but found an array",
                "message object    |`\"message\":{}`|field 'message': expected a string but found an object",
                "mdc array         |`\"mdc\":[]`|field 'mdc': expected an object but found an array",
                "mdc value number  |`\"mdc\":{\"a\":1}`|field 'mdc.a': expected a string but found an integer",
                "kv value object   |`\"kv\":{\"a\":{}}`|field 'kv.a': expected a string, number, boolean or null but found an object",
                "markers element   |`\"markers\":[\"ok\",1]`|field 'markers[1]': expected a string but found an integer",
                "pid string        |`\"pid\":\"1\"`|field 'pid': expected an integer but found a string",
                "seq decimal       |`\"seq\":1.5`|field 'seq': expected an integer but found a decimal number",
                "seq too large     |`\"seq\":99999999999999999999`|field 'seq': integer out of range: '99999999999999999999'",
                "service null      |`\"service\":null`|field 'service': expected a string but found null",
                "throwable string  |`\"throwable\":\"boom\"`|field 'throwable': expected an object but found a string",
                "frame line string |`\"throwable\":{\"class\":\"X\",\"frames\":[{\"class\":\"A\",\"method\":\"m\",\"line\":\"7\"}]}`|field 'throwable.frames[0].line': expected an integer but found a string",
                "frame line range  |`\"throwable\":{\"class\":\"X\",\"frames\":[{\"class\":\"A\",\"method\":\"m\",\"line\":3000000000}]}`|field 'throwable.frames[0].line': integer out of range: '3000000000'",
                "cyclic string     |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"cyclic\":\"yes\"}`|field 'throwable.cyclic': expected a boolean but found a string",
                "omitted negative  |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedFrames\":-1}`|field 'throwable.omittedFrames': must not be negative, was -1",
                "suppressed count  |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedSuppressed\":-2}`|field 'throwable.omittedSuppressed': must not be negative, was -2",
                "suppressed text   |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"omittedSuppressed\":\"2\"}`|field 'throwable.omittedSuppressed': expected an integer but found a string",
                "suppressed object |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"suppressed\":{}}`|field 'throwable.suppressed': expected an array but found an object",
                "caller array      |`\"caller\":[]`|field 'caller': expected an object but found an array",
            })
    void rejectsWrongTypes(String name, String field, String message) {
        assertRejected(minimalWith(field), message);
    }

    @Test
    void rejectsAnUnknownLevel() {
        assertRejected(utf8(MINIMAL.replace("\"INFO\"", "\"LOUD\"")), "field 'level': unknown level 'LOUD'");
        assertRejected(utf8(MINIMAL.replace("\"INFO\"", "\"info\"")), "field 'level': unknown level 'info'");
    }

    @ParameterizedTest
    @CsvSource({"v,1", "ts,\"2026-11-21T18:35:56.123Z\"", "level,\"INFO\"", "logger,\"a.B\""})
    void rejectsAMissingRequiredField(String field, String value) {
        String json = MINIMAL.replace("\"" + field + "\":" + value, "\"other\":0");

        assertRejected(utf8(json), "missing required field '" + field + "'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "throwable class |`\"throwable\":{\"frames\":[]}`|field 'throwable': missing required field 'class'",
                "throwable frames|`\"throwable\":{\"class\":\"X\"}`|field 'throwable': missing required field 'frames'",
                "cause class     |`\"throwable\":{\"class\":\"X\",\"frames\":[],\"cause\":{\"frames\":[]}}`|field 'throwable.cause': missing required field 'class'",
                "suppressed class|`\"throwable\":{\"class\":\"X\",\"frames\":[],\"suppressed\":[{\"frames\":[]}]}`|field 'throwable.suppressed[0]': missing required field 'class'",
                "frame line      |`\"throwable\":{\"class\":\"X\",\"frames\":[{\"class\":\"A\",\"method\":\"m\"}]}`|field 'throwable.frames[0]': missing required field 'line'",
                "caller method   |`\"caller\":{\"class\":\"A\",\"line\":1}`|field 'caller': missing required field 'method'",
            })
    void rejectsMissingNestedFields(String name, String field, String message) {
        assertRejected(minimalWith(field), message);
    }

    @ParameterizedTest
    @CsvSource({"2", "0", "-1", "1.0"})
    void rejectsAnUnsupportedVersion(String version) {
        String expected = version.equals("1.0")
                ? "field 'v': expected an integer but found a decimal number"
                : "field 'v': unsupported schema version " + version + " (this decoder reads version 1)";

        assertRejected(utf8(MINIMAL.replace("\"v\":1", "\"v\":" + version)), expected);
    }

    @ParameterizedTest
    @CsvSource({
        "yesterday",
        "2026-11-21",
        "2026-13-21T18:35:56.123Z",
        "2026-11-21T18:35:56.123",
        "+1000000000-01-01T00:00:00Z"
    })
    void rejectsABadTimestamp(String ts) {
        assertRejected(
                utf8(MINIMAL.replace("2026-11-21T18:35:56.123Z", ts)),
                "field 'ts': not an ISO-8601 UTC timestamp: '" + ts + "'");
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        String deep = "[".repeat(70) + "]".repeat(70);

        assertThat(decodeFailure(decoder, minimalWith("\"future\":" + deep)).getMessage())
                .startsWith("field 'future[0][0][0]")
                .contains("...': exceeds a limit: Document nesting depth (65) exceeds the maximum allowed (64")
                .hasSizeLessThan(400);
        EventJsonDecoder shallow =
                new EventJsonDecoder(JsonLimits.builder().maxDepth(3).build());
        byte[] json =
                minimalWith("\"throwable\":{\"class\":\"X\",\"frames\":[],\"cause\":{\"class\":\"Y\",\"frames\":[]}}");
        assertThatThrownBy(() -> shallow.decode(json))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("field 'throwable.cause")
                .hasMessageContaining("nesting depth (4) exceeds the maximum allowed (3");
    }

    @Test
    void rejectsStringsLongerThanTheLimit() {
        EventJsonDecoder tight =
                new EventJsonDecoder(JsonLimits.builder().maxStringLength(24).build());
        String tooLong = "x".repeat(25);

        assertThatThrownBy(() -> tight.decode(minimalWith("\"message\":\"" + tooLong + "\"")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("field 'message': exceeds a limit: String value length (25) exceeds the maximum"
                        + " allowed (24");
        assertThatThrownBy(() -> tight.decode(minimalWith("\"mdc\":{\"" + tooLong + "\":\"x\"}")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("exceeds a limit: Name length (25) exceeds the maximum allowed (24");
        byte[] overDefault =
                minimalWith("\"message\":\"" + "x".repeat(JsonLimits.DEFAULT_MAX_STRING_LENGTH + 1) + "\"");
        assertThatThrownBy(() -> decoder.decode(overDefault))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("field 'message': exceeds a limit: String value length (4194305)");
    }

    @Test
    void rejectsADocumentLargerThanTheLimitBeforeParsingIt() {
        byte[] json = utf8(MINIMAL);
        EventJsonDecoder tight = new EventJsonDecoder(
                JsonLimits.builder().maxDocumentBytes(json.length - 1).build());

        assertRejected(tight, json, "document exceeds " + (json.length - 1) + " bytes (" + json.length + " bytes)");
        // Not even parsed: garbage of the same size gets the same answer.
        assertRejected(tight, new byte[json.length], "document exceeds ");
        assertRejected(new byte[JsonLimits.DEFAULT_MAX_DOCUMENT_BYTES + 1], "document exceeds 16777216 bytes");
    }

    @Test
    void rejectsCollectionsLargerThanTheLimits() {
        EventJsonDecoder tight = new EventJsonDecoder(JsonLimits.builder()
                .maxMdcEntries(2)
                .maxKvEntries(2)
                .maxMarkers(2)
                .maxFrames(2)
                .maxSuppressed(2)
                .build());
        String frame = "{\"class\":\"A\",\"method\":\"m\",\"line\":1}";
        String throwable = "{\"class\":\"X\",\"frames\":[]}";

        assertRejected(
                tight,
                minimalWith("\"mdc\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}"),
                "field 'mdc': more than 2 entries");
        assertRejected(tight, minimalWith("\"kv\":{\"a\":1,\"b\":2,\"c\":3}"), "field 'kv': more than 2 entries");
        assertRejected(tight, minimalWith("\"markers\":[\"a\",\"b\",\"c\"]"), "field 'markers': more than 2 markers");
        assertRejected(
                tight,
                minimalWith("\"throwable\":{\"class\":\"X\",\"frames\":[" + frame + "," + frame + "," + frame + "]}"),
                "field 'throwable.frames': more than 2 frames");
        assertRejected(
                tight,
                minimalWith("\"throwable\":{\"class\":\"X\",\"frames\":[],\"suppressed\":[" + throwable + ","
                        + throwable + "," + throwable + "]}"),
                "field 'throwable.suppressed': more than 2 suppressed throwables");
    }

    @Test
    void rejectsTooManyMdcEntriesWithDefaultLimits() {
        StringBuilder mdc = new StringBuilder("\"mdc\":{");
        for (int i = 0; i <= JsonLimits.DEFAULT_MAX_MDC_ENTRIES; i++) {
            mdc.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }

        assertRejected(minimalWith(mdc.append('}').toString()), "field 'mdc': more than 10000 entries");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] json = minimalWith("\"message\":\"ab\"");
        int a = new String(json, StandardCharsets.ISO_8859_1).indexOf("ab\"");
        json[a] = (byte) 0xC3; // a lead byte followed by an ASCII byte

        assertRejected(json, "malformed JSON at line 1, column ");
    }

    @Test
    void quotesUntrustedTextShortAndPrintable() {
        String hostile = "LOUD\n\u0000" + "x".repeat(1000);

        EventDecodingException e = decodeFailure(
                decoder,
                utf8(MINIMAL.replace("INFO", hostile.replace("\n", "\\n").replace("\u0000", "\\u0000"))));

        assertThat(e.getMessage())
                .startsWith("field 'level': unknown level 'LOUD??xxx")
                .hasSizeLessThan(120);
    }

    @Test
    void throwsOnlyEventDecodingExceptionForMutatedDocuments() {
        byte[] valid = encoder.encode(richEventForFuzzing());
        SplittableRandom random = new SplittableRandom(42);
        byte[] interesting = utf8("{}[]\":,0123456789.eE+-tfnul\\ \u00ff");
        int rejected = 0;
        for (int length = 0; length < valid.length; length++) {
            rejected += decodesOrRejects(Arrays.copyOf(valid, length));
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] mutated = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                mutated[random.nextInt(mutated.length)] = random.nextBoolean()
                        ? interesting[random.nextInt(interesting.length)]
                        : (byte) random.nextInt(256);
            }
            rejected += decodesOrRejects(mutated);
        }
        assertThat(rejected).isGreaterThan(valid.length);
    }

    private LoggingEvent richEventForFuzzing() {
        Exception cause = TestEvents.withFrames(new IllegalStateException("inner"), 3);
        Exception top = TestEvents.withFrames(new RuntimeException("outer", cause), 3);
        top.addSuppressed(TestEvents.withFrames(new IllegalArgumentException("s"), 2));
        LoggingEvent event = events.event(Level.WARN, "msg {}", top, 1);
        event.setMDCPropertyMap(Map.of("a", "b"));
        event.addKeyValuePair(new KeyValuePair("n", 1.5));
        event.addMarker(new BasicMarkerFactory().getDetachedMarker("M"));
        event.setCallerData(new StackTraceElement[] {new StackTraceElement("C", "m", "C.java", 1)});
        return event;
    }

    /** 0 when the document decodes, 1 when it is rejected; fails the test on any other outcome. */
    private int decodesOrRejects(byte[] json) {
        try {
            decoder.decode(json);
            return 0;
        } catch (EventDecodingException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return 1;
        } catch (RuntimeException | Error e) {
            fail("unexpected " + e + " for " + new String(json, StandardCharsets.UTF_8), e);
            return -1;
        }
    }

    // ---------------------------------------------------------------- helpers

    private void assertRejected(byte[] json, String messageStart) {
        assertRejected(decoder, json, messageStart);
    }

    private static void assertRejected(EventJsonDecoder decoder, byte[] json, String messageStart) {
        assertThat(decodeFailure(decoder, json).getMessage()).startsWith(messageStart);
    }

    private static EventDecodingException decodeFailure(EventJsonDecoder decoder, byte[] json) {
        try {
            DecodedLoggingEvent decoded = decoder.decode(json);
            throw new AssertionError("expected a rejection, decoded " + decoded);
        } catch (EventDecodingException expected) {
            return expected;
        }
    }

    private static List<Tuple> frames(IThrowableProxy proxy) {
        return Arrays.stream(proxy.getStackTraceElementProxyArray())
                .map(StackTraceElementProxy::getStackTraceElement)
                .map(EventJsonDecoderTest::frame)
                .toList();
    }

    private static List<Tuple> frames(StackTraceElement[] trace, int count) {
        return Arrays.stream(trace)
                .limit(count)
                .map(EventJsonDecoderTest::frame)
                .toList();
    }

    /** Class, method, file and line: what the codec carries (not the module or class loader). */
    private static Tuple frame(StackTraceElement e) {
        return tuple(e.getClassName(), e.getMethodName(), e.getFileName(), e.getLineNumber());
    }
}
