package dev.sluice.core.json;

import static dev.sluice.core.json.EventJsonFields.CALLER;
import static dev.sluice.core.json.EventJsonFields.HOST;
import static dev.sluice.core.json.EventJsonFields.KV;
import static dev.sluice.core.json.EventJsonFields.LEVEL;
import static dev.sluice.core.json.EventJsonFields.LOGGER;
import static dev.sluice.core.json.EventJsonFields.MARKERS;
import static dev.sluice.core.json.EventJsonFields.MDC;
import static dev.sluice.core.json.EventJsonFields.MESSAGE;
import static dev.sluice.core.json.EventJsonFields.PID;
import static dev.sluice.core.json.EventJsonFields.SCHEMA_VERSION;
import static dev.sluice.core.json.EventJsonFields.SEQ;
import static dev.sluice.core.json.EventJsonFields.SERVICE;
import static dev.sluice.core.json.EventJsonFields.THREAD;
import static dev.sluice.core.json.EventJsonFields.THROWABLE;
import static dev.sluice.core.json.EventJsonFields.TS;
import static dev.sluice.core.json.EventJsonFields.V;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.helpers.BasicMarkerFactory;

/** Reads one top-level event object into a {@link DecodedLoggingEvent}. One per decode call. */
final class EventJsonReader {

    /** Longer than any ISO-8601 instant; longer text is rejected before it reaches the date parser. */
    private static final int MAX_TIMESTAMP_CHARS = 40;

    // Detached markers are not cached by the factory, so untrusted marker names cannot grow a registry.
    static final BasicMarkerFactory MARKERS_FACTORY = new BasicMarkerFactory();

    private final JsonCursor cursor;
    private final JsonLimits limits;
    private final ThrowableJsonReader throwables;

    EventJsonReader(JsonCursor cursor, JsonLimits limits) {
        this.cursor = cursor;
        this.limits = limits;
        this.throwables = new ThrowableJsonReader(cursor, limits);
    }

    DecodedLoggingEvent read() throws IOException {
        JsonToken first = cursor.next();
        if (first != JsonToken.START_OBJECT) {
            throw new EventDecodingException(
                    "expected a JSON object at the top level but found " + JsonCursor.describe(first));
        }
        DecodedLoggingEvent.Builder event = new DecodedLoggingEvent.Builder();
        boolean hasVersion = false;
        JsonToken token;
        while ((token = cursor.next()) == JsonToken.FIELD_NAME) {
            String name = cursor.fieldName();
            cursor.next();
            if (name.equals(V)) {
                event.schemaVersion = readVersion();
                hasVersion = true;
            } else {
                readField(name, event);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new EventDecodingException("unexpected end of the document");
        }
        requirePresent(hasVersion, V);
        requirePresent(event.instant != null, TS);
        requirePresent(event.level != null, LEVEL);
        requirePresent(event.loggerName != null, LOGGER);
        JsonToken trailing = cursor.next();
        if (trailing != null) {
            throw new EventDecodingException(
                    "unexpected content after the event object: " + JsonCursor.describe(trailing));
        }
        return event.build();
    }

    private void readField(String name, DecodedLoggingEvent.Builder event) throws IOException {
        switch (name) {
            case TS:
                event.instant = readTimestamp();
                break;
            case LEVEL:
                event.level = readLevel();
                break;
            case LOGGER:
                event.loggerName = cursor.string();
                break;
            case THREAD:
                event.threadName = cursor.nullableString();
                break;
            case MESSAGE:
                event.message = cursor.nullableString();
                break;
            case MDC:
                event.mdc = readMdc();
                break;
            case KV:
                event.keyValuePairs = readKeyValues();
                break;
            case MARKERS:
                event.markers = readMarkers();
                break;
            case THROWABLE:
                event.throwableProxy = throwables.readThrowable();
                break;
            case CALLER:
                event.caller = throwables.readFrame();
                break;
            case SERVICE:
                event.service = cursor.string();
                break;
            case HOST:
                event.host = cursor.string();
                break;
            case PID:
                event.pid = cursor.longValue();
                break;
            case SEQ:
                event.sequenceNumber = cursor.longValue();
                break;
            default:
                // Forward compatibility: a newer producer may add fields; an older reader ignores them.
                cursor.skipValue();
        }
    }

    private static void requirePresent(boolean present, String field) {
        if (!present) {
            throw new EventDecodingException("missing required field '" + field + "'");
        }
    }

    private int readVersion() throws IOException {
        if (cursor.parser().currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw cursor.fail("expected an integer but found "
                    + JsonCursor.describe(cursor.parser().currentToken()));
        }
        String text = cursor.parser().getText();
        if (!text.equals(Integer.toString(SCHEMA_VERSION))) {
            throw cursor.fail("unsupported schema version " + JsonCursor.sanitize(text)
                    + " (this decoder reads version " + SCHEMA_VERSION + ")");
        }
        return SCHEMA_VERSION;
    }

    private Instant readTimestamp() throws IOException {
        String text = cursor.string();
        Instant instant = eventInstant(text);
        if (instant == null) {
            throw cursor.fail("not an ISO-8601 UTC timestamp: " + JsonCursor.quote(text));
        }
        return instant;
    }

    /** The instant of an event's {@code ts} text, or null unless it is ISO-8601 and fits epoch milliseconds. */
    static Instant eventInstant(String text) {
        if (text.length() > MAX_TIMESTAMP_CHARS) {
            return null; // before it reaches the date parser
        }
        try {
            Instant instant = TimestampParser.parse(text);
            instant.toEpochMilli(); // throws when the instant does not fit getTimeStamp()
            return instant;
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    private Level readLevel() throws IOException {
        String text = cursor.string();
        switch (text) {
            case "TRACE":
                return Level.TRACE;
            case "DEBUG":
                return Level.DEBUG;
            case "INFO":
                return Level.INFO;
            case "WARN":
                return Level.WARN;
            case "ERROR":
                return Level.ERROR;
            default:
                throw cursor.fail("unknown level " + JsonCursor.quote(text));
        }
    }

    private Map<String, String> readMdc() throws IOException {
        cursor.expectObject();
        JsonStreamContext object = cursor.container();
        Map<String, String> mdc = new LinkedHashMap<>();
        while (cursor.next() == JsonToken.FIELD_NAME) {
            String key = cursor.fieldName();
            cursor.next();
            String value = cursor.nullableString();
            mdc.put(key, value);
            if (mdc.size() > limits.maxMdcEntries()) {
                throw cursor.failIn(object, "more than " + limits.maxMdcEntries() + " entries");
            }
        }
        return mdc;
    }

    private List<KeyValuePair> readKeyValues() throws IOException {
        cursor.expectObject();
        JsonStreamContext object = cursor.container();
        List<KeyValuePair> pairs = new ArrayList<>();
        while (cursor.next() == JsonToken.FIELD_NAME) {
            if (pairs.size() == limits.maxKvEntries()) {
                throw cursor.failIn(object, "more than " + limits.maxKvEntries() + " entries");
            }
            String key = cursor.fieldName();
            JsonToken valueToken = cursor.next();
            Object value = KeyValueJson.readValue(cursor.parser());
            if (value == KeyValueJson.NOT_A_SCALAR) {
                throw cursor.fail(
                        "expected a string, number, boolean or null but found " + JsonCursor.describe(valueToken));
            }
            pairs.add(new KeyValuePair(key, value));
        }
        return pairs;
    }

    private List<Marker> readMarkers() throws IOException {
        return cursor.readArray(
                limits.maxMarkers(), "markers", () -> MARKERS_FACTORY.getDetachedMarker(cursor.string()));
    }
}
