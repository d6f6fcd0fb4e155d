package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.core.json.EventDecodingException;
import dev.sluice.core.json.EventJsonDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a message body into events: {@code application/json} is one canonical event JSON, or LogHive's body when it
 * has no {@code v} field; {@code application/x-ndjson} is one canonical event per line; a message without a content
 * type is read as {@code application/json} (LogHive's Python producer sets none). Every body is untrusted: anything
 * else, or any bad line, makes the whole message invalid, with a reason that says what and where.
 */
final class MessageDecoder {

    private final EventJsonDecoder canonical;
    private final LogHiveDecoder logHive;
    private final int maxMessageBytes;

    MessageDecoder(EventJsonDecoder canonical, int maxMessageBytes) {
        this.canonical = canonical;
        this.logHive = new LogHiveDecoder(canonical.limits());
        this.maxMessageBytes = maxMessageBytes;
    }

    List<ILoggingEvent> decode(String contentType, byte[] body) throws InvalidMessageException {
        if (body.length > maxMessageBytes) {
            throw new InvalidMessageException(
                    FailureReason.TOO_LARGE, body.length + " bytes, more than maxMessageBytes " + maxMessageBytes);
        }
        String type = mediaType(contentType);
        if (type.isEmpty() || type.equals(AmqpWireFormat.JSON)) {
            return List.of(decodeOne(body));
        }
        if (type.equals(AmqpWireFormat.NDJSON)) {
            return decodeLines(body);
        }
        throw new InvalidMessageException(
                FailureReason.UNSUPPORTED_CONTENT_TYPE,
                "content type '" + contentType + "'; expected " + AmqpWireFormat.JSON + " or " + AmqpWireFormat.NDJSON);
    }

    private ILoggingEvent decodeOne(byte[] body) throws InvalidMessageException {
        try {
            return canonical.decode(body);
        } catch (EventDecodingException e) {
            if (logHive.looksLikeLogHive(body)) {
                return logHive.decode(body);
            }
            throw new InvalidMessageException(FailureReason.MALFORMED, e.getMessage());
        }
    }

    private List<ILoggingEvent> decodeLines(byte[] body) throws InvalidMessageException {
        List<ILoggingEvent> events = new ArrayList<>();
        int start = 0;
        int line = 1;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            if (!blank(body, start, end)) {
                try {
                    events.add(canonical.decode(body, start, end - start));
                } catch (EventDecodingException e) {
                    throw new InvalidMessageException(FailureReason.MALFORMED, "line " + line + ": " + e.getMessage());
                }
            }
            start = end + 1;
            line++;
        }
        if (events.isEmpty()) {
            throw new InvalidMessageException(
                    FailureReason.MALFORMED, "no event in an " + AmqpWireFormat.NDJSON + " body");
        }
        return events;
    }

    private static boolean blank(byte[] body, int start, int end) {
        for (int i = start; i < end; i++) {
            if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }
}
