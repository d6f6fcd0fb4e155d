package dev.sluice.amqp.consumer;

import static dev.sluice.amqp.consumer.ConsumerTestSupport.canonical;
import static dev.sluice.amqp.consumer.ConsumerTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.GetResponse;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.testing.FailingSink;
import dev.sluice.testing.GatedSink;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.RecordingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer against the shared RabbitMQ: stored, acked after commit, dead-lettered with reasons, deduplicated. */
class AmqpLogConsumerIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private ConsumerTestSupport amqp;
    private String service;
    private String failures;
    private AmqpLogConsumer consumer;

    @BeforeEach
    void connect() throws Exception {
        amqp = new ConsumerTestSupport(BROKER);
        service = ConsumerTestSupport.unique("consumer");
        failures = service + "_failed";
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        logback.close();
        amqp.deleteQueues(service, failures);
        amqp.close();
    }

    private AmqpLogConsumer.Builder consumer(dev.sluice.core.BatchSink<ILoggingEvent> sink) {
        return AmqpLogConsumer.builder()
                .uri(BROKER.uri())
                .services(service)
                .failureQueue(failures)
                .maxBatchDelay(Duration.ofMillis(300))
                .initialBackoff(Duration.ofMillis(10))
                .sink(sink);
    }

    private String queue(String level) {
        return service + "_" + level + "_logs";
    }

    @Test
    void everyEventOfEveryLevelThatTheAppenderSendsIsStoredOnce() throws Exception {
        RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
        consumer = consumer(sink).workers(3).prefetch(100).batchSize(64).build();
        consumer.start();
        logback.configure("<configuration><appender name='AMQP' class='dev.sluice.amqp.AmqpAppender'>"
                + "<uri>" + BROKER.uri() + "</uri><service>" + service + "</service><jmx>false</jmx>"
                + "</appender><root level='TRACE'><appender-ref ref='AMQP'/></root></configuration>");
        Logger logger = logback.logger("app.orders");
        int perLevel = 300;
        for (int i = 0; i < perLevel; i++) {
            for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                logger.makeLoggingEventBuilder(org.slf4j.event.Level.valueOf(level.toString()))
                        .setMessage("{} {}")
                        .addArgument(level)
                        .addArgument(i)
                        .log();
            }
        }

        List<ILoggingEvent> stored = sink.awaitCount(5 * perLevel, Duration.ofSeconds(60));
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 5L * perLevel);

        assertThat(stored).hasSize(5 * perLevel);
        assertThat(new HashSet<>(ConsumerTestSupport.messages(stored))).hasSize(5 * perLevel);
        Map<Level, Integer> perLevelStored = new TreeMap<>((a, b) -> a.toInt() - b.toInt());
        stored.forEach(e -> perLevelStored.merge(e.getLevel(), 1, Integer::sum));
        assertThat(perLevelStored.values()).containsOnly(perLevel);
        assertThat(consumer.getStoredMessages()).isEqualTo(5L * perLevel);
        assertThat(consumer.getDeadLettered()).isZero();
        assertThat(consumer.getDuplicatesSkipped()).isZero();
        for (String level : ConsumerTestSupport.LEVELS) {
            assertThat(amqp.ready(queue(level))).as(level).isZero();
        }
    }

    @Test
    void nothingIsAckedBeforeTheSinkCommits() throws Exception {
        GatedSink<ILoggingEvent> gated = new GatedSink<>();
        consumer = consumer(gated)
                .workers(2)
                .batchSize(1000)
                .shutdownGracePeriod(Duration.ofMillis(500))
                .build();
        consumer.start();
        int total = 200;
        for (int i = 0; i < total; i++) {
            amqp.publish(
                    queue(ConsumerTestSupport.LEVELS.get(i % 5)),
                    "held-" + i,
                    AmqpWireFormat.JSON,
                    canonical(service, Level.INFO, "held " + i));
        }
        gated.awaitBlocked();
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getConsumed() == total);
        long ready = 0;
        for (String level : ConsumerTestSupport.LEVELS) {
            ready += amqp.ready(queue(level));
        }
        assertThat(ready).as("every message delivered, none ready").isZero();
        assertThat(consumer.getAcked()).isZero();

        consumer.close(); // the gate never opens: the grace period runs out and the connections are cut
        await().atMost(10, TimeUnit.SECONDS).until(() -> readyInAllLevels() == total);
        assertThat(gated.events()).isEmpty();

        RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
        consumer = consumer(sink).build();
        consumer.start();
        assertThat(sink.awaitCount(total)).hasSize(total);
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == total);
        assertThat(readyInAllLevels()).isZero();
    }

    private long readyInAllLevels() throws Exception {
        long ready = 0;
        for (String level : ConsumerTestSupport.LEVELS) {
            ready += amqp.ready(queue(level));
        }
        return ready;
    }

    @Test
    void malformedBodiesGoToTheFailureQueueWithTheirReasonAndTheOthersAreStored() throws Exception {
        RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
        consumer = consumer(sink).workers(1).maxMessageBytes(64 * 1024).build();
        consumer.start();
        String info = queue("info");
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            deep.append("{\"a\":");
        }
        deep.append("1").append("}".repeat(100));
        String ndjsonBad =
                new String(canonical(service, Level.INFO, "line one"), java.nio.charset.StandardCharsets.UTF_8)
                        + "\n{\"v\":1,\"level\":\"LOUD\"}\n";
        String logHive = "{\"service\":\"flask\",\"level\":\"WARNING\",\"message\":\"from python\","
                + "\"information\":{\"user_id\":\"123\"},\"timestamp\":\"2024-12-27 10:30:45\"}";
        String logHiveBad = "{\"service\":\"flask\",\"level\":\"LOUD\",\"message\":\"x\",\"information\":{}}";

        amqp.publish(info, "ok-0", AmqpWireFormat.JSON, canonical(service, Level.INFO, "valid 0"));
        amqp.publish(info, "not-json", AmqpWireFormat.JSON, utf8("this is not json"));
        amqp.publish(info, "deep", AmqpWireFormat.JSON, utf8(deep.toString()));
        amqp.publish(info, "text", "text/plain", canonical(service, Level.INFO, "plain text type"));
        amqp.publish(info, "huge", AmqpWireFormat.JSON, canonical(service, Level.INFO, "x".repeat(100_000)));
        amqp.publish(info, "ndjson-bad", AmqpWireFormat.NDJSON, utf8(ndjsonBad));
        amqp.publish(info, "loghive-bad", null, utf8(logHiveBad));
        amqp.publish(info, "loghive", null, utf8(logHive));
        amqp.publish(info, "ok-1", AmqpWireFormat.JSON, canonical(service, Level.INFO, "valid 1"));

        sink.awaitCount(3);
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 9);
        assertThat(ConsumerTestSupport.messages(sink.events())).containsExactly("valid 0", "from python", "valid 1");
        ILoggingEvent python = sink.events().get(1);
        assertThat(python.getLevel()).isEqualTo(Level.WARN);
        assertThat(python.getMDCPropertyMap()).containsEntry("user_id", "123");
        assertThat(python.getTimeStamp())
                .isEqualTo(java.time.Instant.parse("2024-12-27T10:30:45Z").toEpochMilli());

        List<GetResponse> dead = amqp.drain(failures);
        Map<String, String> reasons = new TreeMap<>();
        for (GetResponse message : dead) {
            Map<String, Object> headers = message.getProps().getHeaders();
            reasons.put(message.getProps().getMessageId(), String.valueOf(headers.get(FailureReason.HEADER)));
            assertThat(String.valueOf(headers.get(DeadLetters.QUEUE_HEADER))).isEqualTo(info);
            assertThat(String.valueOf(headers.get(DeadLetters.ROUTING_KEY_HEADER)))
                    .isEqualTo(info);
        }
        assertThat(reasons.keySet()).containsExactly("deep", "huge", "loghive-bad", "ndjson-bad", "not-json", "text");
        assertThat(reasons.get("not-json")).startsWith("malformed: malformed JSON");
        assertThat(reasons.get("deep")).startsWith("malformed: ").contains("limit");
        assertThat(reasons.get("text")).startsWith("unsupported_content_type: content type 'text/plain'");
        assertThat(reasons.get("huge")).startsWith("too_large: ");
        assertThat(reasons.get("ndjson-bad")).startsWith("malformed: line 2: ");
        assertThat(reasons.get("loghive-bad")).isEqualTo("malformed: LogHive body: unknown level 'LOUD'");
        assertThat(consumer.getDeadLettered(FailureReason.MALFORMED)).isEqualTo(4);
        assertThat(consumer.getDeadLettered(FailureReason.TOO_LARGE)).isEqualTo(1);
        assertThat(consumer.getDeadLettered(FailureReason.UNSUPPORTED_CONTENT_TYPE))
                .isEqualTo(1);
        assertThat(dead.stream()
                        .filter(m -> m.getProps().getMessageId().equals("huge"))
                        .findFirst()
                        .orElseThrow()
                        .getBody())
                .as("the body is kept unchanged")
                .hasSizeGreaterThan(100_000);
        assertThat(amqp.ready(info)).isZero();
    }

    @Test
    void aSinkThatKeepsFailingHasItsMessagesDeadLetteredAfterMaxSinkAttempts() throws Exception {
        FailingSink<ILoggingEvent> sink = new FailingSink<ILoggingEvent>().failNextWrites(3);
        for (int i = 0; i < 5; i++) {
            amqp.channel.queueDeclare(
                    queue("error"), true, false, false, AmqpWireFormat.queueArguments(604_800_000L, 1_000_000L));
        }
        for (int i = 0; i < 5; i++) {
            amqp.publish(
                    queue("error"), "fail-" + i, AmqpWireFormat.JSON, canonical(service, Level.ERROR, "fail " + i));
        }
        consumer = consumer(sink).workers(1).maxSinkAttempts(3).build();
        consumer.start();

        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 5);
        assertThat(sink.writeAttempts()).isEqualTo(3);
        assertThat(consumer.getSinkRetries()).isEqualTo(2);
        assertThat(consumer.getDeadLettered(FailureReason.SINK_RETRIES_EXHAUSTED))
                .isEqualTo(5);
        List<GetResponse> dead = amqp.drain(failures);
        assertThat(dead).hasSize(5);
        assertThat(String.valueOf(dead.get(0).getProps().getHeaders().get(FailureReason.HEADER)))
                .isEqualTo("sink_retries_exhausted: 3 attempts, last: SinkException: scripted retryable failure");
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void aPoisonEventIsIsolatedAndOnlyItsMessageIsDeadLettered() throws Exception {
        FailingSink<ILoggingEvent> sink = new FailingSink<ILoggingEvent>()
                .rejectEvents(e -> e.getFormattedMessage().equals("poison"));
        amqp.channel.queueDeclare(
                queue("warn"), true, false, false, AmqpWireFormat.queueArguments(604_800_000L, 1_000_000L));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String message = i == 2 ? "poison" : "fine " + i;
            sent.add(message);
            amqp.publish(queue("warn"), "p-" + i, AmqpWireFormat.JSON, canonical(service, Level.WARN, message));
        }
        consumer = consumer(sink).workers(1).build();
        consumer.start();

        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 5);
        assertThat(ConsumerTestSupport.messages(sink.events())).containsExactly("fine 0", "fine 1", "fine 3", "fine 4");
        assertThat(sink.writeAttempts())
                .as("the batch, then each message alone")
                .isEqualTo(6);
        List<GetResponse> dead = amqp.drain(failures);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getProps().getMessageId()).isEqualTo("p-2");
        assertThat(String.valueOf(dead.get(0).getProps().getHeaders().get(FailureReason.HEADER)))
                .startsWith("sink_rejected: SinkException: rejected event");
        assertThat(consumer.getDeadLettered(FailureReason.SINK_REJECTED)).isEqualTo(1);
    }

    @Test
    void aMessageWhoseIdWasStoredIsSkipped() throws Exception {
        RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
        consumer = consumer(sink).workers(1).build();
        consumer.start();
        for (int i = 0; i < 10; i++) {
            amqp.publish(queue("info"), "id-" + i, AmqpWireFormat.JSON, canonical(service, Level.INFO, "event " + i));
        }
        sink.awaitCount(10);
        for (int i = 0; i < 5; i++) { // the producer publishes again, as after a lost confirm
            amqp.publish(queue("info"), "id-" + i, AmqpWireFormat.JSON, canonical(service, Level.INFO, "event " + i));
        }
        amqp.publish(queue("info"), "id-10", AmqpWireFormat.JSON, canonical(service, Level.INFO, "event 10"));

        sink.awaitCount(11);
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.getAcked() == 16);
        assertThat(sink.count()).isEqualTo(11);
        assertThat(consumer.getDuplicatesSkipped()).isEqualTo(5);
        assertThat(consumer.getStoredMessages()).isEqualTo(11);
        assertThat(amqp.ready(queue("info"))).isZero();
    }
}
