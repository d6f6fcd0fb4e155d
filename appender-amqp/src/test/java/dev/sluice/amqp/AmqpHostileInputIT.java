package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.amqp.AmqpTestSupport.Message;
import dev.sluice.amqp.AmqpTestSupport.ReadBack;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.StatusAssertions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * Hostile events in one batch with normal ones: a 5 MB message, NUL, lone surrogates and emoji, a logger and a thread
 * name of 100,000 characters, 10,000 MDC entries. All are delivered and a real client reads every one back exactly,
 * one event per message and in batched mode; headers are cut to 256 characters without splitting a character.
 */
class AmqpHostileInputIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();
    private static final int NORMAL = 250;
    private static final String EMOJI = "\uD83D\uDE00";
    /** 1.75 million three-byte characters: 5.25 MB of UTF-8, within the JSON limit on string length. */
    private static final String HUGE = "\u20AC".repeat(1_750_000);

    private static final String ODD = "nul \u0000, lone high \uD800, lone low \uDC00, emoji " + EMOJI + ", end";
    /** The 256th character starts an emoji: a header cut at 256 characters would split it. */
    private static final String LONG_NAME =
            "a".repeat(MessageBuilder.MAX_HEADER_CHARS - 1) + EMOJI + "b".repeat(99_743);

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @RegisterExtension
    final ServiceQueues queues = new ServiceQueues(() -> BROKER, logback, "hostile");

    /** What was logged, by message: the event's logger, thread and MDC. */
    private record Expected(String logger, String thread, Map<String, String> mdc) {}

    @Test
    void oneEventPerMessage() throws Exception {
        Map<String, Expected> expected = logOneBatch("");
        List<Message> messages = AmqpTestSupport.consumeAll(queues.reader(), queues.queue("info"));
        assertThat(messages).hasSize(expected.size());
        for (Message message : messages) {
            DecodedLoggingEvent event = message.events().get(0);
            Map<String, Object> headers = message.properties().getHeaders();
            String logger = expected.get(event.getFormattedMessage()).logger();
            String thread = expected.get(event.getFormattedMessage()).thread();
            assertThat(String.valueOf(headers.get("logger"))).isEqualTo(header(logger));
            assertThat(String.valueOf(headers.get("thread"))).isEqualTo(header(thread));
        }
        assertReadBackExactly(ReadBack.of(messages), expected);
    }

    @Test
    void batchedMode() throws Exception {
        Map<String, Expected> expected = logOneBatch("<eventsPerMessage>100</eventsPerMessage>");
        List<Message> messages = AmqpTestSupport.consumeAll(queues.reader(), queues.queue("info"));
        assertThat(messages)
                .allMatch(m -> MessageBuilder.NDJSON.equals(m.properties().getContentType()));
        assertThat(messages.size()).isLessThan(expected.size() / 10);
        assertReadBackExactly(ReadBack.of(messages), expected);
    }

    /** Logs the hostile events among normal ones, all in one batch, and waits until they are delivered. */
    private Map<String, Expected> logOneBatch(String settings) throws Exception {
        Map<String, Expected> expected = new LinkedHashMap<>();
        int hostile = 5;
        int total = NORMAL + hostile;
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                BROKER.uri(),
                queues.service(),
                "<batchSize>" + total + "</batchSize><maxBatchDelay>60 seconds</maxBatchDelay>" + settings);
        AppenderStatsMXBean stats = appender.getStats();
        String thread = Thread.currentThread().getName();
        Logger app = logback.logger("app.hostile");
        for (int i = 0; i < NORMAL; i++) {
            String text = "event " + i;
            app.info(text);
            expected.put(text, new Expected("app.hostile", thread, Map.of()));
            if (i == NORMAL / 2) {
                app.info(HUGE);
                expected.put(HUGE, new Expected("app.hostile", thread, Map.of()));
                app.info(ODD);
                expected.put(ODD, new Expected("app.hostile", thread, Map.of()));
                logback.logger(LONG_NAME).info("long logger name");
                expected.put("long logger name", new Expected(LONG_NAME, thread, Map.of()));
                Thread named = new Thread(() -> app.info("long thread name"), "t" + LONG_NAME);
                named.start();
                named.join();
                expected.put("long thread name", new Expected("app.hostile", "t" + LONG_NAME, Map.of()));
                Map<String, String> mdc = new HashMap<>();
                for (int k = 0; k < 10_000; k++) {
                    mdc.put("key-" + k, "value " + k + " " + EMOJI);
                }
                mdc.forEach(MDC::put);
                app.info("ten thousand MDC entries");
                MDC.clear();
                expected.put("ten thousand MDC entries", new Expected("app.hostile", thread, mdc));
            }
        }
        assertThat(expected).hasSize(total);
        await().atMost(Duration.ofSeconds(60)).until(() -> stats.getDelivered() == total);
        assertThat(stats.getBatches()).as("one batch").isEqualTo(1);
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getFailedAttempts()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
        System.out.println("AmqpHostileInputIT " + (settings.isEmpty() ? "one event per message" : settings) + ": "
                + AmqpTestSupport.counters(stats) + "; the huge message is "
                + HUGE.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8");
        return expected;
    }

    private static void assertReadBackExactly(ReadBack read, Map<String, Expected> expected) {
        assertThat(read.duplicates()).isZero();
        assertThat(read.texts()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        List<String> checked = new ArrayList<>();
        for (DecodedLoggingEvent event : read.events()) {
            Expected logged = expected.get(event.getFormattedMessage());
            assertThat(event.getLoggerName()).isEqualTo(logged.logger());
            assertThat(event.getThreadName()).isEqualTo(logged.thread());
            assertThat(event.getMDCPropertyMap()).isEqualTo(logged.mdc());
            checked.add(event.getFormattedMessage());
        }
        assertThat(checked).hasSize(expected.size());
        System.out.println("AmqpHostileInputIT read back: " + read);
    }

    /** A header keeps the first 256 characters, or 255 where the 256th would split a surrogate pair. */
    private static String header(String value) {
        int end = MessageBuilder.MAX_HEADER_CHARS;
        if (value.length() <= end) {
            return value;
        }
        return value.substring(0, Character.isHighSurrogate(value.charAt(end - 1)) ? end - 1 : end);
    }
}
