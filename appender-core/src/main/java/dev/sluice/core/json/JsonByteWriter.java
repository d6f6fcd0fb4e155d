package dev.sluice.core.json;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A growable UTF-8 buffer with the few JSON writes the canonical event needs. Strings come out byte for byte as
 * Jackson's {@code UTF8JsonGenerator} writes them with {@code COMBINE_UNICODE_SURROGATES_IN_UTF8} (the encoder's
 * factory): {@code "} and {@code \} escaped, {@code \b \t \n \f \r} as short escapes, other control characters as
 * {@code \}{@code u00XX}, a surrogate pair as 4-byte UTF-8, a lone surrogate as {@code \}{@code uXXXX}, everything else
 * as UTF-8. Jackson's generator costs more than the event's own fields: one is built per event and its string loop
 * goes through a char buffer. Not thread-safe: one per use, or one per thread reused through {@link #claim} and
 * {@link #release}.
 *
 * <p>It is also an {@link OutputStream}, so that a Jackson generator can write the rare nested parts (throwables,
 * key-value pairs, caller) into the same buffer.
 */
final class JsonByteWriter extends OutputStream {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** For ASCII: 0 when written as it is, else the letter of its short escape, or 'u' for a 6-character escape. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    /** The largest array a JVM is sure to allocate. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    /** Slots of the recurring-text memory (a power of two). */
    private static final int RECURRING_SLOTS = 64;

    /** Longer text is not remembered, which bounds the memory at about 50 KiB a thread (6 bytes a char at worst). */
    private static final int MAX_RECURRING_LENGTH = 128;

    private final int initialCapacity;
    private byte[] bytes;
    private int count;
    private boolean claimed;

    /** Text that recurs from event to event (the same String instance and shape), with the JSON written for it. */
    private record Remembered(String text, UnaryOperator<String> shape, byte[] json) {}

    private final Remembered[] remembered;

    /** A buffer for one use. */
    JsonByteWriter(int initialCapacity) {
        this(initialCapacity, false);
    }

    /** A buffer; one to be reused remembers recurring text (see {@link #recurring}). */
    JsonByteWriter(int initialCapacity, boolean reused) {
        this.initialCapacity = initialCapacity;
        bytes = new byte[initialCapacity];
        remembered = reused ? new Remembered[RECURRING_SLOTS] : null;
    }

    /** Takes this buffer, emptied, for one use; false while another use (on the same thread) holds it. */
    boolean claim() {
        if (claimed) {
            return false;
        }
        claimed = true;
        count = 0;
        return true;
    }

    /** Ends a use; a buffer grown beyond {@code maxRetained} bytes starts small again, so a huge event is not kept. */
    void release(int maxRetained) {
        claimed = false;
        if (bytes.length > maxRetained) {
            bytes = new byte[initialCapacity];
        }
    }

    /** A copy of what has been written. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
    }

    /** What has been written, as text. */
    String toUtf8String() {
        return new String(bytes, 0, count, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    /** Writes {@code ascii}, which must need no escaping (field names, punctuation, numbers): as it is. */
    JsonByteWriter raw(String ascii) {
        int length = ascii.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[count++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    /** Writes bytes as they are. */
    JsonByteWriter raw(byte[] ascii) {
        write(ascii, 0, ascii.length);
        return this;
    }

    JsonByteWriter raw(char ascii) {
        write(ascii);
        return this;
    }

    /** Writes {@code ,"name":} after the first field, or {@code "name":} when {@code first}. */
    JsonByteWriter name(String name, boolean first) {
        if (!first) {
            write(',');
        }
        return string(name).raw(':');
    }

    /** Writes a decimal integer. */
    JsonByteWriter number(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return raw(Long.toString(value)); // its magnitude is not a long
            }
            write('-');
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        return padded(value, digits);
    }

    /** Writes a non-negative {@code value} in exactly {@code width} digits, with leading zeros. */
    JsonByteWriter padded(long value, int width) {
        ensure(width);
        for (int i = count + width - 1; i >= count; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        count += width;
        return this;
    }

    /**
     * Writes {@code shape.apply(text)} as a JSON string, for text that recurs from event to event (logger and thread
     * names, MDC keys): the bytes are remembered for the same String instance and shape, and copied on the next event,
     * without looking at its characters again. {@code shape} must depend on {@code text} alone.
     */
    JsonByteWriter recurring(String text, UnaryOperator<String> shape) {
        if (remembered == null || text == null || text.length() > MAX_RECURRING_LENGTH) {
            return string(shape.apply(text));
        }
        int slot = text.hashCode() & (RECURRING_SLOTS - 1);
        Remembered known = remembered[slot];
        if (known != null && known.text() == text && known.shape() == shape) {
            return raw(known.json());
        }
        int start = count;
        string(shape.apply(text));
        remembered[slot] = new Remembered(text, shape, Arrays.copyOfRange(bytes, start, count));
        return this;
    }

    /** Writes a JSON string, or {@code null} for {@code null}. */
    JsonByteWriter string(String text) {
        if (text == null) {
            return raw("null");
        }
        int length = text.length();
        // Worst case per char: a 6-byte escape; the common case (ASCII) needs length + 2.
        ensure(length + 2);
        // The fast loop, on locals so that the JIT keeps them in registers: ASCII that needs no escape, which is
        // nearly every character of a log event.
        byte[] buffer = bytes;
        int at = count;
        buffer[at++] = '"';
        int i = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            buffer[at++] = (byte) c;
        }
        count = at;
        if (i < length) {
            writeSlow(text, i);
        }
        write('"');
        return this;
    }

    private void writeSlow(String text, int from) {
        int length = text.length();
        for (int i = from; i < length; i++) {
            char c = text.charAt(i);
            ensure(6);
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape == 0) {
                    bytes[count++] = (byte) c;
                } else if (escape == 'u') {
                    unicodeEscape(c);
                } else {
                    bytes[count++] = '\\';
                    bytes[count++] = escape;
                }
            } else if (c < 0x800) {
                bytes[count++] = (byte) (0xC0 | (c >> 6));
                bytes[count++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                bytes[count++] = (byte) (0xE0 | (c >> 12));
                bytes[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[count++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, text.charAt(++i));
                bytes[count++] = (byte) (0xF0 | (codePoint >> 18));
                bytes[count++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                bytes[count++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                bytes[count++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                // A lone surrogate is not Unicode and has no UTF-8 form; the escape keeps the Java string intact.
                unicodeEscape(c);
            }
        }
    }

    private void unicodeEscape(char c) {
        bytes[count++] = '\\';
        bytes[count++] = 'u';
        bytes[count++] = HEX[(c >> 12) & 0xF];
        bytes[count++] = HEX[(c >> 8) & 0xF];
        bytes[count++] = HEX[(c >> 4) & 0xF];
        bytes[count++] = HEX[c & 0xF];
    }

    private void ensure(int more) {
        if (bytes.length - count < more) {
            if (more > MAX_BYTES - count) {
                throw new IllegalArgumentException("the event's JSON would exceed " + MAX_BYTES + " bytes");
            }
            // Grows by half at least, as ArrayList does.
            int grown = (int) Math.min(MAX_BYTES, bytes.length + (long) (bytes.length >> 1));
            bytes = Arrays.copyOf(bytes, Math.max(count + more, grown));
        }
    }
}
