package dev.sluice.core.json;

import ch.qos.logback.classic.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;

/**
 * Reads the plain events that make up nearly all traffic (no {@code kv}, {@code throwable}, {@code caller} or unknown
 * field) without Jackson, about three times as fast. It accepts only valid JSON and valid events within the
 * {@link JsonLimits}, and builds the same event as {@link EventJsonReader} would; anything else (another field, an
 * escape in a field name, malformed UTF-8, a limit reached, a bad value, any doubt) makes it give up and return
 * {@code null}, and the Jackson reader then decides, with its error messages. One per decode call.
 */
final class PlainEventJsonReader {

    /** Why this reader gave up; thrown without a stack trace, never seen outside. */
    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /** Up to 18 digits a {@code long} cannot overflow; longer numbers are checked. */
    private static final int MAX_SAFE_DIGITS = 18;

    /** {@code Long.MAX_VALUE} has 19 digits. */
    private static final int MAX_LONG_DIGITS = 19;

    /** The fields this reader knows; any other makes it give up. */
    private enum Field {
        V(EventJsonFields.V),
        TS(EventJsonFields.TS),
        LEVEL(EventJsonFields.LEVEL),
        LOGGER(EventJsonFields.LOGGER),
        THREAD(EventJsonFields.THREAD),
        MESSAGE(EventJsonFields.MESSAGE),
        MDC(EventJsonFields.MDC),
        MARKERS(EventJsonFields.MARKERS),
        SERVICE(EventJsonFields.SERVICE),
        HOST(EventJsonFields.HOST),
        PID(EventJsonFields.PID),
        SEQ(EventJsonFields.SEQ);

        final byte[] name;

        Field(String name) {
            this.name = name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final int MAX_FIELD_LENGTH =
            Arrays.stream(Field.values()).mapToInt(f -> f.name.length).max().orElseThrow();

    /** The field of each {@link #shape}, or null. */
    private static final Field[] FIELD_BY_SHAPE = fieldsByShape();

    private static final Level[] LEVELS = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
    private static final byte[][] LEVEL_NAMES = Arrays.stream(LEVELS)
            .map(level -> level.toString().getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);

    /** Reads a {@code long} from any offset of a byte array, for the eight-bytes-at-a-time scan. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;

    private final byte[] bytes;
    private final int end;
    private final JsonLimits limits;
    private int pos;

    private PlainEventJsonReader(byte[] bytes, int offset, int length, JsonLimits limits) {
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
        this.limits = limits;
    }

    /** The event in {@code length} bytes at {@code offset}, or {@code null} when the Jackson reader must decide. */
    static DecodedLoggingEvent read(byte[] bytes, int offset, int length, JsonLimits limits) {
        try {
            return new PlainEventJsonReader(bytes, offset, length, limits).read();
        } catch (GiveUp e) {
            return null;
        }
    }

    private DecodedLoggingEvent read() {
        DecodedLoggingEvent.Builder event = new DecodedLoggingEvent.Builder();
        boolean hasVersion = false;
        expect('{');
        if (peekAfterSpace() == '}') {
            giveUp(); // no required field
        }
        do {
            Field field = fieldName();
            expect(':');
            skipSpace();
            switch (field) {
                case V -> {
                    expectVersion();
                    event.schemaVersion = EventJsonFields.SCHEMA_VERSION;
                    hasVersion = true;
                }
                case TS -> event.instant = timestamp();
                case LEVEL -> event.level = level();
                case LOGGER -> event.loggerName = string();
                case THREAD -> event.threadName = nullableString();
                case MESSAGE -> event.message = nullableString();
                case MDC -> event.mdc = mdc();
                case MARKERS -> event.markers = markers();
                case SERVICE -> event.service = string();
                case HOST -> event.host = string();
                case PID -> event.pid = longValue();
                case SEQ -> event.sequenceNumber = longValue();
            }
        } while (nextMember('}'));
        skipSpace();
        if (pos != end || !hasVersion || event.instant == null || event.level == null || event.loggerName == null) {
            giveUp();
        }
        return event.build();
    }

    /** After a member: true after a comma, false after {@code close}; anything else gives up. */
    private boolean nextMember(char close) {
        int c = peekAfterSpace();
        pos++;
        if (c == ',') {
            skipSpace();
            return true;
        }
        if (c != close) {
            giveUp();
        }
        return false;
    }

    private Field fieldName() {
        int start = nameStart();
        int length = pos - start - 1;
        if (length == 0 || length > MAX_FIELD_LENGTH) {
            return giveUp();
        }
        Field field = FIELD_BY_SHAPE[shape(length, bytes[start], bytes[start + length - 1])];
        if (field == null || !matches(field.name, start, length)) {
            return giveUp();
        }
        return field;
    }

    /** Length, first and last letter: different for every field this reader knows. */
    private static int shape(int length, int first, int last) {
        return length << 10 | (first & 0x1F) << 5 | (last & 0x1F);
    }

    private static Field[] fieldsByShape() {
        Field[] table = new Field[shape(MAX_FIELD_LENGTH + 1, 0, 0)];
        for (Field field : Field.values()) {
            byte[] name = field.name;
            int shape = shape(name.length, name[0], name[name.length - 1]);
            if (table[shape] != null) {
                throw new IllegalStateException("two fields of the same shape: " + field + " and " + table[shape]);
            }
            table[shape] = field;
        }
        return table;
    }

    /** Reads a field name of plain ASCII (anything else gives up) and returns where its text starts. */
    private int nameStart() {
        if (at(pos) != '"') {
            giveUp();
        }
        int start = ++pos;
        int c;
        while ((c = at(pos)) != '"') {
            if (c < 0x20 || c >= 0x80 || c == '\\') {
                giveUp();
            }
            pos++;
        }
        pos++;
        if (pos - start - 1 > limits.maxStringLength()) {
            giveUp();
        }
        return start;
    }

    private void expectVersion() {
        // Only the text "1": the schema version this reader knows.
        if (at(pos) != '1' || isNumberPart(at(pos + 1))) {
            giveUp();
        }
        pos++;
    }

    private Instant timestamp() {
        Instant instant = EventJsonReader.eventInstant(string());
        return instant != null ? instant : giveUp();
    }

    private Level level() {
        int start = nameStart();
        int length = pos - start - 1;
        for (int l = 0; l < LEVEL_NAMES.length; l++) {
            if (matches(LEVEL_NAMES[l], start, length)) {
                return LEVELS[l];
            }
        }
        return giveUp();
    }

    private Map<String, String> mdc() {
        requireNesting();
        expect('{');
        Map<String, String> mdc = new LinkedHashMap<>();
        if (peekAfterSpace() == '}') {
            pos++;
            return mdc;
        }
        do {
            String key = key();
            expect(':');
            skipSpace();
            mdc.put(key, nullableString());
            if (mdc.size() > limits.maxMdcEntries()) {
                giveUp();
            }
        } while (nextMember('}'));
        return mdc;
    }

    /**
     * An {@code mdc} key. Jackson refuses an unpaired surrogate in a field name; a key with any surrogate is left to it.
     */
    private String key() {
        int start = pos;
        String key = string();
        // Jackson caps a name's UTF-8 bytes; the text between the quotes is never shorter than those.
        if (pos - start - 2 > limits.maxStringLength()) {
            giveUp();
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isSurrogate(key.charAt(i))) {
                giveUp();
            }
        }
        return key;
    }

    private List<Marker> markers() {
        requireNesting();
        expect('[');
        List<Marker> markers = new ArrayList<>();
        if (peekAfterSpace() == ']') {
            pos++;
            return markers;
        }
        do {
            if (markers.size() == limits.maxMarkers()) {
                giveUp();
            }
            markers.add(EventJsonReader.MARKERS_FACTORY.getDetachedMarker(string()));
        } while (nextMember(']'));
        return markers;
    }

    /** An object or array inside the event is the second level of nesting. */
    private void requireNesting() {
        if (limits.maxDepth() < 2) {
            giveUp();
        }
    }

    /**
     * A non-negative integer that fits a {@code long}, without leading zeros, of at most {@code maxStringLength} digits
     * (Jackson's number length limit here); anything else gives up.
     */
    private long longValue() {
        int start = pos;
        long value = 0;
        int c;
        while ((c = at(pos)) >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            if (++pos - start > MAX_LONG_DIGITS) {
                giveUp();
            }
        }
        int digits = pos - start;
        if (digits == 0
                || digits > limits.maxStringLength()
                || (digits > 1 && bytes[start] == '0')
                || isNumberPart(c)) {
            giveUp();
        }
        return digits <= MAX_SAFE_DIGITS ? value : longFromText(start, digits);
    }

    /** 19 digits or more: a long only when {@link Long#parseLong} says so. */
    private long longFromText(int start, int digits) {
        try {
            return Long.parseLong(new String(bytes, start, digits, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return giveUp();
        }
    }

    private static boolean isNumberPart(int c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
    }

    private String nullableString() {
        if (at(pos) == 'n') {
            if (at(pos + 1) != 'u' || at(pos + 2) != 'l' || at(pos + 3) != 'l') {
                giveUp();
            }
            pos += 4;
            return null;
        }
        return string();
    }

    /** A string value: plain ASCII is copied as it is; escapes and other UTF-8 go through {@link #decodeString}. */
    private String string() {
        if (at(pos) != '"') {
            giveUp();
        }
        // The fast loop, on locals so that the JIT keeps them in registers.
        byte[] b = bytes;
        int start = pos + 1;
        int i = start;
        int limit = end - start > limits.maxStringLength() ? start + limits.maxStringLength() : end;
        // Eight bytes at a time until a word holds something to look at; then byte by byte.
        while (limit - i >= Long.BYTES && !mayEndPlainText((long) WORDS.get(b, i))) {
            i += Long.BYTES;
        }
        while (i < limit) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (c < 0x20 || c == '\\') { // negative: not ASCII
                break;
            }
            i++;
        }
        return decodeString(start);
    }

    /**
     * Whether the eight bytes of {@code word} (little-endian) may hold a quote, a backslash, a control character or a
     * byte of a multi-byte character: exact for the first such byte, maybe wrong after it (borrows), never missed.
     */
    private static boolean mayEndPlainText(long word) {
        long quotes = word ^ (ONES * '"');
        long backslashes = word ^ (ONES * '\\');
        long zeroInQuotes = (quotes - ONES) & ~quotes;
        long zeroInBackslashes = (backslashes - ONES) & ~backslashes;
        long belowSpace = word - ONES * ' ';
        return ((zeroInQuotes | zeroInBackslashes | belowSpace | word) & (ONES * 0x80)) != 0;
    }

    /** Decodes a string with escapes or non-ASCII text, accepting only strictly valid UTF-8. */
    private String decodeString(int start) {
        pos = start;
        StringBuilder text = new StringBuilder(Math.min(end - start, 64));
        int c;
        while ((c = at(pos++)) != '"') {
            if (text.length() >= limits.maxStringLength()) {
                giveUp();
            }
            if (c == '\\') {
                text.append(escape());
            } else if (c < 0x20) {
                giveUp();
            } else if (c < 0x80) {
                text.append((char) c);
            } else {
                text.appendCodePoint(utf8(c));
            }
        }
        if (text.length() > limits.maxStringLength()) {
            giveUp();
        }
        return text.toString();
    }

    private char escape() {
        int c = at(pos++);
        switch (c) {
            case '"', '\\', '/':
                return (char) c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                int value = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(at(pos++), 16);
                    if (digit < 0) {
                        giveUp();
                    }
                    value = value << 4 | digit;
                }
                return (char) value;
            default:
                return giveUp();
        }
    }

    /** The code point of a UTF-8 sequence whose lead byte has been read; overlong forms and surrogates give up. */
    private int utf8(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return (lead & 0x1F) << 6 | continuation(0x80, 0xBF);
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            int second = continuation(lead == 0xE0 ? 0xA0 : 0x80, lead == 0xED ? 0x9F : 0xBF);
            return (lead & 0x0F) << 12 | second << 6 | continuation(0x80, 0xBF);
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            int second = continuation(lead == 0xF0 ? 0x90 : 0x80, lead == 0xF4 ? 0x8F : 0xBF);
            int third = continuation(0x80, 0xBF);
            return (lead & 0x07) << 18 | second << 12 | third << 6 | continuation(0x80, 0xBF);
        }
        return giveUp();
    }

    /** The low six bits of the next byte, which must lie in {@code [min, max]}. */
    private int continuation(int min, int max) {
        int c = at(pos++);
        if (c < min || c > max) {
            giveUp();
        }
        return c & 0x3F;
    }

    private void expect(char c) {
        if (peekAfterSpace() != c) {
            giveUp();
        }
        pos++;
    }

    private int peekAfterSpace() {
        skipSpace();
        return at(pos);
    }

    private void skipSpace() {
        int c;
        while ((c = at(pos)) == ' ' || c == '\n' || c == '\r' || c == '\t') {
            pos++;
        }
    }

    /** The unsigned byte at {@code index}, or -1 past the end (which no rule accepts). */
    private int at(int index) {
        return index < end ? bytes[index] & 0xFF : -1;
    }

    private boolean matches(byte[] name, int start, int length) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[start + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static <T> T giveUp() {
        throw GIVE_UP;
    }
}
