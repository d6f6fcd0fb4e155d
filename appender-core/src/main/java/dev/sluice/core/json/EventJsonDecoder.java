package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads canonical event JSON (schema version 1) into {@link DecodedLoggingEvent}s. Input is untrusted: every document
 * is checked against the {@link JsonLimits} before it can use memory, and anything that is not a valid version 1 event
 * is rejected with an {@link EventDecodingException} that says what was wrong and where. No other exception escapes
 * {@code decode} for any input.
 *
 * <p>Accepted:
 *
 * <ul>
 *   <li>one JSON object, UTF-8 (Jackson also detects UTF-16 and UTF-32), optionally surrounded by whitespace such as
 *       the newline that ends an NDJSON line;
 *   <li>required fields {@code v} (must be 1), {@code ts} (ISO-8601, e.g. {@code 2026-11-21T18:35:56.123Z}; any
 *       fraction length and offset {@link java.time.Instant#parse} accepts), {@code level} (one of {@code TRACE},
 *       {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}, exactly) and {@code logger}; every other field is
 *       optional, with the types of {@code sluice-event-v1.schema.json};
 *   <li>unknown fields, at any level, are skipped: a newer producer may add fields without breaking older receivers;
 *   <li>a field repeated in an object: the last one wins, except in {@code kv} where every pair is kept, in order;
 *   <li>{@code kv} numbers become an {@code Integer}, {@code Long}, {@code BigInteger}, {@code Double} or
 *       {@code BigDecimal}, except a number longer than 1000 characters or with an exponent beyond 100,000 either way
 *       (such as {@code 1e999999999}): it is kept as its JSON text, a {@code String}, so that nothing is lost and
 *       nothing downstream gets a number that takes gigabytes or hours to print or convert.
 * </ul>
 *
 * <p>Thread-safe; one instance can serve any number of threads.
 */
public final class EventJsonDecoder {

    private final JsonLimits limits;
    private final JsonFactory factory;

    /** A decoder with {@link JsonLimits#defaults()}. */
    public EventJsonDecoder() {
        this(JsonLimits.defaults());
    }

    /** A decoder enforcing the given limits. */
    public EventJsonDecoder(JsonLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        // A number is bounded like a string; kv numbers longer than Jackson's default of 1000
                        // characters are kept as text (see KeyValueJson), and integer fields refuse long ones unparsed.
                        .maxNumberLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxDocumentBytes())
                        .build())
                // Error messages must not echo the untrusted document.
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // Field names come from untrusted input (MDC and kv keys): never String.intern() them.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /** The limits this decoder enforces. */
    public JsonLimits limits() {
        return limits;
    }

    /**
     * Decodes one event from the whole array.
     *
     * @throws EventDecodingException if the document is not a valid version 1 event or exceeds a limit
     */
    public DecodedLoggingEvent decode(byte[] json) {
        Objects.requireNonNull(json, "json");
        return decode(json, 0, json.length);
    }

    /**
     * Decodes one event from {@code length} bytes of {@code json} starting at {@code offset}.
     *
     * @throws EventDecodingException if the document is not a valid version 1 event or exceeds a limit
     * @throws IndexOutOfBoundsException if the range lies outside the array
     */
    public DecodedLoggingEvent decode(byte[] json, int offset, int length) {
        Objects.requireNonNull(json, "json");
        Objects.checkFromIndexSize(offset, length, json.length);
        if (length > limits.maxDocumentBytes()) {
            throw new EventDecodingException(
                    "document exceeds " + limits.maxDocumentBytes() + " bytes (" + length + " bytes)");
        }
        DecodedLoggingEvent plain = PlainEventJsonReader.read(json, offset, length, limits);
        return plain != null ? plain : decodeWithJackson(json, offset, length);
    }

    /** Decodes any valid event, and says what is wrong with anything else. */
    DecodedLoggingEvent decodeWithJackson(byte[] json, int offset, int length) {
        JsonCursor cursor = null;
        try (JsonParser parser = factory.createParser(json, offset, length)) {
            cursor = new JsonCursor(parser);
            return new EventJsonReader(cursor, limits).read();
        } catch (EventDecodingException e) {
            throw e;
        } catch (StreamConstraintsException e) {
            throw withCause(JsonCursor.failAt(pathOf(cursor), "exceeds a limit: " + originalMessage(e)), e);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException(
                    "malformed JSON" + where(e.getLocation(), cursor) + ": " + originalMessage(e), e);
        } catch (IOException | RuntimeException e) {
            // Anything else a hostile document provokes (a number too large for BigDecimal, ...) is still bad input.
            throw withCause(
                    JsonCursor.failAt(pathOf(cursor), "cannot be decoded: " + stripControls(String.valueOf(e))), e);
        }
    }

    private static EventDecodingException withCause(EventDecodingException failure, Exception cause) {
        failure.initCause(cause);
        return failure;
    }

    private static String pathOf(JsonCursor cursor) {
        return cursor == null ? "" : cursor.path();
    }

    private static String where(JsonLocation location, JsonCursor cursor) {
        StringBuilder sb = new StringBuilder();
        if (location != null && location.getLineNr() > 0) {
            sb.append(" at line ")
                    .append(location.getLineNr())
                    .append(", column ")
                    .append(location.getColumnNr());
        }
        String path = pathOf(cursor);
        if (!path.isEmpty()) {
            sb.append(" in field '").append(path).append('\'');
        }
        return sb.toString();
    }

    private static String originalMessage(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        // Jackson's messages quote offending tokens; keep them short and printable.
        return message == null ? e.getClass().getSimpleName() : stripControls(message);
    }

    private static String stripControls(String text) {
        String oneLine = text.length() > 512 ? text.substring(0, 512) + "..." : text;
        StringBuilder sb = new StringBuilder(oneLine.length());
        for (int i = 0; i < oneLine.length(); i++) {
            char c = oneLine.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        return sb.toString();
    }
}
