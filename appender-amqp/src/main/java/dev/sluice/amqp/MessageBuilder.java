package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.AMQP;
import dev.sluice.core.json.UnicodeText;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Turns a batch into the messages that carry it: one persistent message per event, or in batched mode up to
 * {@code eventsPerMessage} events of the same routing key per message, one canonical JSON per line. Each message gets
 * an id that no other message of any producer shares ({@code <random instance id>-<counter>}), kept when the
 * message is published again, so a consumer can drop duplicates.
 */
final class MessageBuilder {

    /** The content type of a message carrying one event: {@value}. */
    static final String JSON = "application/json";

    /** The content type of a batched message, one canonical JSON event per line: {@value}. */
    static final String NDJSON = "application/x-ndjson";

    /** The header of a batched message that says how many events it carries: {@value}. */
    static final String EVENTS_HEADER = "x-sluice-events";

    /** A batched message is closed once its body reaches this many bytes: {@value} (1 MiB). */
    static final int MAX_BATCHED_BYTES = 1 << 20;

    /**
     * Header values are cut to this many characters (one fewer where the cut would split a surrogate pair), so
     * headers never approach AMQP's frame size: {@value}.
     */
    static final int MAX_HEADER_CHARS = 256;

    private final AmqpTopology topology;
    private final String service;
    private final Function<ILoggingEvent, byte[]> body;
    private final int eventsPerMessage;
    private final String idPrefix;
    private long nextId;

    MessageBuilder(AmqpTopology topology, String service, Function<ILoggingEvent, byte[]> body, int eventsPerMessage) {
        this.topology = topology;
        this.service = service;
        this.body = body;
        this.eventsPerMessage = eventsPerMessage;
        this.idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + "-";
    }

    List<OutgoingMessage> build(List<ILoggingEvent> batch) {
        List<OutgoingMessage> messages = new ArrayList<>(eventsPerMessage == 1 ? batch.size() : 8);
        if (eventsPerMessage == 1) {
            for (int i = 0; i < batch.size(); i++) {
                ILoggingEvent event = batch.get(i);
                messages.add(new OutgoingMessage(
                        topology.routingKey(service, event.getLevel()),
                        properties(event, JSON, eventHeaders(event)),
                        body.apply(event),
                        new int[] {i}));
            }
            return messages;
        }
        Map<String, List<Integer>> byRoutingKey = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byRoutingKey
                    .computeIfAbsent(topology.routingKey(service, batch.get(i).getLevel()), key -> new ArrayList<>())
                    .add(i);
        }
        byRoutingKey.forEach((routingKey, events) -> pack(batch, routingKey, events, messages));
        return messages;
    }

    /** Packs the events of one routing key into messages of at most eventsPerMessage events and about 1 MiB. */
    private void pack(List<ILoggingEvent> batch, String routingKey, List<Integer> events, List<OutgoingMessage> out) {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        List<Integer> packed = new ArrayList<>();
        for (int index : events) {
            byte[] line = body.apply(batch.get(index));
            lines.writeBytes(line);
            lines.write('\n');
            packed.add(index);
            if (packed.size() == eventsPerMessage || lines.size() >= MAX_BATCHED_BYTES) {
                out.add(batchedMessage(batch.get(packed.get(0)), routingKey, lines, packed));
                lines.reset();
                packed.clear();
            }
        }
        if (!packed.isEmpty()) {
            out.add(batchedMessage(batch.get(packed.get(0)), routingKey, lines, packed));
        }
    }

    private OutgoingMessage batchedMessage(
            ILoggingEvent first, String routingKey, ByteArrayOutputStream lines, List<Integer> packed) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("level", first.getLevel().toString());
        headers.put("service", header(service));
        headers.put(EVENTS_HEADER, packed.size());
        return new OutgoingMessage(
                routingKey,
                properties(first, NDJSON, headers),
                lines.toByteArray(),
                packed.stream().mapToInt(Integer::intValue).toArray());
    }

    private Map<String, Object> eventHeaders(ILoggingEvent event) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("level", event.getLevel().toString());
        headers.put("logger", header(event.getLoggerName()));
        headers.put("thread", header(event.getThreadName()));
        headers.put("service", header(service));
        return headers;
    }

    private AMQP.BasicProperties properties(ILoggingEvent event, String type, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder()
                .contentType(type)
                .deliveryMode(2)
                .messageId(idPrefix + Long.toString(nextId++, 36))
                .timestamp(new Date(event.getTimeStamp()))
                .appId(header(service))
                .headers(headers)
                .build();
    }

    /** The value cut to {@value #MAX_HEADER_CHARS} characters, never inside a surrogate pair, lone ones replaced. */
    private static String header(String value) {
        if (value == null) {
            return "";
        }
        if (value.length() <= MAX_HEADER_CHARS) {
            return UnicodeText.valid(value);
        }
        int end =
                Character.isHighSurrogate(value.charAt(MAX_HEADER_CHARS - 1)) ? MAX_HEADER_CHARS - 1 : MAX_HEADER_CHARS;
        return UnicodeText.valid(value.substring(0, end));
    }
}
