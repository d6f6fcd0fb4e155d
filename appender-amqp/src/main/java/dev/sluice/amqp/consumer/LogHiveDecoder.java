package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.sluice.core.json.JsonLimits;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads LogHive's body, {@code {"service", "level", "message", "information", "timestamp"}}, into an event: the level
 * from Python's name ({@code WARNING} is WARN, {@code CRITICAL} ERROR), {@code information}'s scalar values as the MDC
 * (nested values are left out), the service as the logger and the context name, and the timestamp
 * {@code yyyy-MM-dd HH:mm:ss} taken as UTC (what Sluice writes; LogHive's own producer writes its local time).
 */
final class LogHiveDecoder {

    static final String THREAD = "loghive";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final JsonFactory factory;
    private final int maxMdcEntries;

    LogHiveDecoder(JsonLimits limits) {
        this.maxMdcEntries = limits.maxMdcEntries();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxDocumentBytes())
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /** Whether the body is a JSON object without {@code v} and with LogHive's {@code service} or {@code information}. */
    boolean looksLikeLogHive(byte[] body) {
        try {
            return read(body).isLogHive();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    ILoggingEvent decode(byte[] body) throws InvalidMessageException {
        Fields fields;
        try {
            fields = read(body);
        } catch (IOException | RuntimeException e) {
            throw new InvalidMessageException(FailureReason.MALFORMED, "LogHive body: not a JSON object");
        }
        if (fields.level == null || fields.message == null) {
            throw new InvalidMessageException(FailureReason.MALFORMED, "LogHive body: level and message are required");
        }
        LoggingEvent event = new LoggingEvent();
        event.setLevel(level(fields.level));
        String service = fields.service == null || fields.service.isBlank() ? "loghive" : fields.service;
        event.setLoggerName(service);
        event.setThreadName(THREAD);
        event.setMessage(fields.message);
        event.setMDCPropertyMap(fields.information);
        event.setCallerData(new StackTraceElement[0]);
        event.setLoggerContextRemoteView(new LoggerContextVO(service, Map.of(), 0L));
        event.setInstant(instant(fields.timestamp));
        return event;
    }

    private Fields read(byte[] body) throws IOException {
        Fields fields = new Fields();
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "v" -> fields.versioned = true;
                    case "service" -> fields.service = text(parser, value);
                    case "level" -> fields.level = text(parser, value);
                    case "message" -> fields.message = text(parser, value);
                    case "timestamp" -> fields.timestamp = text(parser, value);
                    case "information" -> readInformation(parser, value, fields);
                    default -> {}
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing content");
            }
        }
        return fields;
    }

    private void readInformation(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        fields.hasInformation = true;
        if (value != JsonToken.START_OBJECT) {
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken entry = parser.nextToken();
            if (entry.isScalarValue() && fields.information.size() < maxMdcEntries) {
                fields.information.put(key, entry == JsonToken.VALUE_NULL ? "null" : parser.getText());
            }
            parser.skipChildren();
        }
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        return value != null && value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
    }

    private static Level level(String name) throws InvalidMessageException {
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "CRITICAL", "FATAL", "ERROR" -> Level.ERROR;
            case "WARNING", "WARN" -> Level.WARN;
            case "INFO" -> Level.INFO;
            case "DEBUG" -> Level.DEBUG;
            case "TRACE" -> Level.TRACE;
            default ->
                throw new InvalidMessageException(
                        FailureReason.MALFORMED, "LogHive body: unknown level '" + shorten(name) + "'");
        };
    }

    private static Instant instant(String timestamp) throws InvalidMessageException {
        if (timestamp == null) {
            return Instant.now();
        }
        try {
            return LocalDateTime.parse(timestamp.trim(), TIMESTAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(timestamp.trim());
            } catch (DateTimeParseException e2) {
                throw new InvalidMessageException(
                        FailureReason.MALFORMED,
                        "LogHive body: timestamp '" + shorten(timestamp) + "' is not" + " yyyy-MM-dd HH:mm:ss");
            }
        }
    }

    private static String shorten(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", " ");
    }

    private static final class Fields {
        boolean versioned;
        boolean hasInformation;
        String service;
        String level;
        String message;
        String timestamp;
        final Map<String, String> information = new HashMap<>();

        boolean isLogHive() {
            return !versioned && (hasInformation || service != null);
        }
    }
}
