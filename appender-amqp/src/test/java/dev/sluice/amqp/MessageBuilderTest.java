package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a batch becomes messages: routing, ids, headers, and the packing of batched mode. */
class MessageBuilderTest {

    private static final AmqpTopology TOPOLOGY = new AmqpTopology(
            "logs_exchange", "direct", "{service}.{level}", "{service}_{level}_logs", LevelNaming.LOGBACK, Map.of());

    private final Logger logger = new LoggerContext().getLogger("app");

    private ILoggingEvent event(Level level, String message) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
    }

    private static byte[] body(ILoggingEvent event) {
        return event.getFormattedMessage().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneMessagePerEventWithItsRoutingKeyAndAnIdNoOtherMessageHas() {
        MessageBuilder builder = new MessageBuilder(TOPOLOGY, "orders", MessageBuilderTest::body, 1);
        List<ILoggingEvent> batch = List.of(event(Level.INFO, "a"), event(Level.ERROR, "b"), event(Level.TRACE, "c"));
        List<OutgoingMessage> first = builder.build(batch);
        List<OutgoingMessage> second = builder.build(batch);

        assertThat(first)
                .extracting(OutgoingMessage::routingKey)
                .containsExactly("orders.info", "orders.error", "orders.trace");
        assertThat(first)
                .extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c");
        assertThat(first.get(1).events()).containsExactly(1);
        assertThat(first.get(0).properties().getDeliveryMode()).isEqualTo(2);
        assertThat(first.get(0).properties().getContentType()).isEqualTo(MessageBuilder.JSON);
        Set<String> ids = new HashSet<>();
        first.forEach(m -> ids.add(m.messageId()));
        second.forEach(m -> ids.add(m.messageId()));
        assertThat(ids).hasSize(6);
        // Another producer (another builder) never repeats them.
        new MessageBuilder(TOPOLOGY, "orders", MessageBuilderTest::body, 1)
                .build(batch)
                .forEach(m -> assertThat(ids.add(m.messageId())).isTrue());
    }

    @Test
    void headersAreCutSoNoLoggerNameCanOutgrowAFrame() {
        MessageBuilder builder = new MessageBuilder(TOPOLOGY, "orders", MessageBuilderTest::body, 1);
        Logger longName = new LoggerContext().getLogger("x".repeat(100_000));
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), longName, Level.INFO, "m", null, null);
        event.setThreadName("t".repeat(300) + "\uD83D\uDE00");
        Map<String, Object> headers =
                builder.build(List.of(event)).get(0).properties().getHeaders();
        assertThat(headers.get("logger").toString()).hasSize(MessageBuilder.MAX_HEADER_CHARS);
        assertThat(headers.get("thread").toString()).hasSize(MessageBuilder.MAX_HEADER_CHARS);
        assertThat(headers).containsEntry("level", "INFO").containsEntry("service", "orders");
    }

    @Test
    void batchedModePacksEventsOfOneRoutingKeyInOrderAsLines() {
        MessageBuilder builder = new MessageBuilder(TOPOLOGY, "orders", MessageBuilderTest::body, 3);
        List<ILoggingEvent> batch = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            batch.add(event(i % 2 == 0 ? Level.INFO : Level.WARN, "e" + i));
        }
        List<OutgoingMessage> messages = builder.build(batch);

        assertThat(messages)
                .extracting(OutgoingMessage::routingKey)
                .containsExactly("orders.info", "orders.info", "orders.warn");
        assertThat(new String(messages.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("e0\ne2\ne4\n");
        assertThat(new String(messages.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("e6\n");
        assertThat(new String(messages.get(2).body(), StandardCharsets.UTF_8)).isEqualTo("e1\ne3\ne5\n");
        assertThat(messages.get(0).events()).containsExactly(0, 2, 4);
        assertThat(messages.get(0).properties().getContentType()).isEqualTo(MessageBuilder.NDJSON);
        assertThat(messages.get(0).properties().getHeaders()).containsEntry(MessageBuilder.EVENTS_HEADER, 3);
    }

    @Test
    void aBatchedMessageClosesAtAboutOneMebibyte() {
        MessageBuilder builder = new MessageBuilder(TOPOLOGY, "orders", MessageBuilderTest::body, 1000);
        String big = "x".repeat(MessageBuilder.MAX_BATCHED_BYTES / 2);
        List<ILoggingEvent> batch = List.of(
                event(Level.INFO, big), event(Level.INFO, big), event(Level.INFO, "small"), event(Level.INFO, "s2"));
        List<OutgoingMessage> messages = builder.build(batch);
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).events()).containsExactly(0, 1);
        assertThat(messages.get(1).events()).containsExactly(2, 3);
    }
}
