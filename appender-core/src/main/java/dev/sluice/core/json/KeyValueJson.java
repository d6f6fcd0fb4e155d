package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Maps SLF4J key-value values to JSON scalars and back: the one place that decides the {@code kv} value types. */
final class KeyValueJson {

    private KeyValueJson() {}

    /**
     * Writes a {@code kv} value; see {@link EventJsonEncoder} for the mapping. Strings, including those that stand for
     * other objects, are cut to {@code maxStringLength} characters.
     */
    static void writeValue(JsonGenerator g, Object value, int maxStringLength) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString(Truncation.truncate((String) value, maxStringLength));
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long) {
            g.writeNumber((Long) value);
        } else if (value instanceof BigInteger) {
            g.writeNumber((BigInteger) value);
        } else if (value instanceof Double) {
            double d = (Double) value;
            // JSON has no NaN or infinities: write them as Java spells them, as strings.
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d));
            }
        } else if (value instanceof Float) {
            float f = (Float) value;
            if (Float.isFinite(f)) {
                // As a float, so 1.1f is written "1.1" and not "1.100000023841858".
                g.writeNumber(f);
            } else {
                g.writeString(Float.toString(f));
            }
        } else if (value instanceof BigDecimal) {
            g.writeNumber((BigDecimal) value);
        } else {
            g.writeString(Truncation.truncate(safeToString(value), maxStringLength));
        }
    }

    /**
     * Longest number, in characters of JSON text, read as a {@code Number}: {@value}, Jackson's default limit. A longer
     * one is kept as its text.
     */
    static final int MAX_NUMBER_CHARS = 1000;

    /**
     * Largest {@link BigDecimal#scale()}, either sign, of a number read as a {@code Number}: {@value}, the bound Jackson
     * puts on scales it converts. A number with a larger exponent, such as {@code 1e999999999}, is kept as its text:
     * its {@code toPlainString()} or {@code toBigInteger()} would take gigabytes or hours wherever it went next.
     */
    static final int MAX_SCALE = 100_000;

    /**
     * Reads the scalar at the parser's current token: a {@code String}, a {@code Boolean}, {@code null}, an
     * {@code Integer}, {@code Long} or {@code BigInteger} (the smallest that holds it), a {@code Double} when the
     * number is exactly the double written, else a {@code BigDecimal}. A number longer than {@value #MAX_NUMBER_CHARS}
     * characters or with a scale beyond {@value #MAX_SCALE} either way is returned as its JSON text, a
     * {@code String}: nothing is lost, and nothing downstream is handed a number too costly to use.
     *
     * @return the value, or {@link #NOT_A_SCALAR} when the token is an object or an array
     */
    static Object readValue(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                return p.getTextLength() > MAX_NUMBER_CHARS ? p.getText() : p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getTextLength() > MAX_NUMBER_CHARS ? p.getText() : readDecimal(p);
            default:
                return NOT_A_SCALAR;
        }
    }

    /** Returned by {@link #readValue(JsonParser)} for an object or an array. */
    static final Object NOT_A_SCALAR = new Object();

    private static Object readDecimal(JsonParser p) throws IOException {
        BigDecimal exact;
        try {
            exact = p.getDecimalValue();
        } catch (NumberFormatException e) {
            return p.getText(); // an exponent beyond what BigDecimal holds, e.g. 1e9999999999
        }
        if (Math.abs((long) exact.scale()) > MAX_SCALE) {
            return p.getText();
        }
        double d = p.getDoubleValue();
        // A Double when nothing is lost (what Float, Double and most BigDecimal values become), else the exact value.
        if (Double.isFinite(d) && BigDecimal.valueOf(d).compareTo(exact) == 0) {
            return d;
        }
        return exact;
    }

    /**
     * {@link String#valueOf(Object)}, or {@link EventJsonEncoder#FAILED_TO_STRING} if that throws, as SLF4J's
     * {@code MessageFormatter} does for arguments. A {@link VirtualMachineError} is rethrown (an {@link OutOfMemoryError}
     * or an {@link InternalError} leaves the JVM in no state to carry on), except a {@link StackOverflowError}: that is
     * what a recursive {@code toString()} throws, and the stack has unwound by the time it arrives here.
     */
    private static String safeToString(Object value) {
        try {
            return String.valueOf(value);
        } catch (StackOverflowError e) {
            return EventJsonEncoder.FAILED_TO_STRING;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return EventJsonEncoder.FAILED_TO_STRING;
        }
    }
}
