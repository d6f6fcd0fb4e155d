package dev.sluice.redis;

import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.core.json.EventJsonDecoder;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;

/**
 * One payload read back by {@link RedisLogReader}: from a stream (with its entry id) or from a channel (id null).
 *
 * @param channel the channel it was written to
 * @param id the stream entry id ({@code 1732200000123-0}), or null for a pub/sub message
 * @param payload the payload as the appender wrote it
 */
public record LogEntry(String channel, String id, byte[] payload) {

    /** The field of a stream entry that holds the payload, as the seed writes it. */
    static final String STREAM_FIELD = "data";

    private static final EventJsonDecoder DECODER = new EventJsonDecoder();

    /** The entry of a stream message written by the appender. */
    static LogEntry of(String channel, StreamMessage<String, byte[]> message) {
        return new LogEntry(channel, message.getId(), message.getBody().get(STREAM_FIELD));
    }

    /** The payload as text (UTF-8). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * The event, for payloads in the canonical JSON (the appender's default format).
     *
     * @throws dev.sluice.core.json.EventDecodingException if the payload is not canonical event JSON
     */
    public DecodedLoggingEvent event() {
        return DECODER.decode(payload);
    }
}
