package dev.sluice.amqp;

import static dev.sluice.amqp.AmqpTestSupport.LEVELS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.StatusAssertions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The appender against the shared RabbitMQ: every level routed and stored, confirmed, readable by a real client. */
class AmqpAppenderIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private Connection reader;
    private Channel channel;
    private String service;

    @BeforeEach
    void connect() throws Exception {
        reader = AmqpTestSupport.connect(BROKER);
        channel = reader.createChannel();
        service = AmqpTestSupport.uniqueService("it");
    }

    @AfterEach
    void cleanUp() throws Exception {
        logback.close();
        AmqpTestSupport.deleteQueues(reader, service);
        reader.close();
    }

    @Test
    void everyLevelReachesItsOwnQueueConfirmedAndInOrder() {
        AmqpAppender appender = AmqpTestSupport.configure(logback, BROKER.uri(), service, "");
        Logger logger = logback.logger("app.orders");
        int perLevel = 400;
        for (int i = 0; i < perLevel; i++) {
            for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                logger.makeLoggingEventBuilder(org.slf4j.event.Level.valueOf(level.toString()))
                        .setMessage("{} {}")
                        .addArgument(level)
                        .addArgument(i)
                        .log();
            }
        }
        AppenderStatsMXBean stats = appender.getStats();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 5L * perLevel);

        Set<String> ids = new HashSet<>();
        for (String level : LEVELS) {
            String queue = service + "_" + level + "_logs";
            List<GetResponse> messages = AmqpTestSupport.drain(channel, queue);
            assertThat(messages).as(queue).hasSize(perLevel);
            for (int i = 0; i < perLevel; i++) {
                GetResponse message = messages.get(i);
                DecodedLoggingEvent event = AmqpTestSupport.event(message);
                assertThat(event.getFormattedMessage()).isEqualTo(level.toUpperCase() + " " + i);
                assertThat(message.getEnvelope().getRoutingKey()).isEqualTo(service + "." + level);
                assertThat(message.getEnvelope().getExchange()).isEqualTo("logs_exchange");
                assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
                assertThat(message.getProps().getContentType()).isEqualTo("application/json");
                Map<String, Object> headers = message.getProps().getHeaders();
                assertThat(String.valueOf(headers.get("level"))).isEqualTo(level.toUpperCase());
                assertThat(String.valueOf(headers.get("logger"))).isEqualTo("app.orders");
                assertThat(String.valueOf(headers.get("service"))).isEqualTo(service);
                assertThat(ids.add(message.getProps().getMessageId())).isTrue();
            }
        }
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getFailedAttempts()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    /** Three channels: every event confirmed and stored once; order across channels is not promised. */
    @Test
    void severalChannelsDeliverEveryEventOnce() {
        AmqpAppender appender = AmqpTestSupport.configure(
                logback, BROKER.uri(), service, "<channels>3</channels><confirmWindow>16</confirmWindow>");
        int total = 3000;
        AmqpTestSupport.log(logback.logger("app.channels"), 0, total);
        AppenderStatsMXBean stats = appender.getStats();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == total);

        List<GetResponse> messages = AmqpTestSupport.drain(channel, service + "_info_logs");
        Set<String> ids = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (GetResponse message : messages) {
            assertThat(ids.add(message.getProps().getMessageId())).isTrue();
            texts.add(AmqpTestSupport.event(message).getFormattedMessage());
        }
        assertThat(messages).hasSize(total);
        assertThat(texts).isEqualTo(AmqpTestSupport.events(0, total));
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getUnconfirmed()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void declaredQueuesCarryLogHivesArguments() throws Exception {
        AmqpTestSupport.configure(logback, BROKER.uri(), service, "");
        logback.logger("app").info("declare");
        await().atMost(60, TimeUnit.SECONDS).until(() -> AmqpTestSupport.depth(reader, service + "_info_logs") == 1);
        // Declaring with the same arguments passes; with others the broker refuses (406).
        Map<String, Object> arguments = Map.of("x-message-ttl", 604_800_000L, "x-max-length", 1_000_000L);
        for (String level : LEVELS) {
            try (Channel declaring = reader.createChannel()) {
                declaring.queueDeclare(service + "_" + level + "_logs", true, false, false, arguments);
            }
        }
        Channel refused = reader.createChannel(); // the broker closes it
        assertThatThrownBy(() -> refused.queueDeclare(
                        service + "_info_logs", true, false, false, Map.of("x-message-ttl", 1000L)))
                .hasStackTraceContaining("PRECONDITION_FAILED");
    }
}
