package dev.sluice.samples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.amqp.AmqpAppender;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.amqp.consumer.AmqpLogConsumer;
import dev.sluice.amqp.consumer.FailureReason;
import dev.sluice.sqlite.LogStatistics;
import dev.sluice.sqlite.LogStore;
import dev.sluice.sqlite.SqliteSinks;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP demo ({@code scripts/demo amqp}): two jobs log at every level through {@link AmqpAppender}
 * ({@code logback-amqp-demo.xml}) while an {@link AmqpLogConsumer} stores what arrives into a SQLite file,
 * acknowledging each message after its commit. One malformed message, published by hand, ends in the failure queue
 * with its reason. Then the store's statistics.
 */
public final class AmqpConsumerDemo {

    static final int EVENTS_PER_JOB = 500;
    static final List<Level> LEVELS = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);

    private AmqpConsumerDemo() {}

    public static void main(String[] args) throws Exception {
        String uri = System.getProperty("sluice.demo.amqp", AmqpAppender.DEFAULT_URI);
        Path db = Path.of(System.getProperty("sluice.demo.db", "target/demo/sluice-amqp-demo.db"));
        System.exit(run(uri, db, System.out) ? 0 : 1);
    }

    /** Runs the producer and the consumer; true when every event was stored once and the bad message dead-lettered. */
    static boolean run(String uri, Path db, PrintStream out) throws Exception {
        String service = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        String failures = service + "_failed";
        Files.deleteIfExists(db);
        System.setProperty("sluice.demo.amqp", uri);
        System.setProperty("sluice.demo.amqpService", service);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-amqp-demo.xml");
        ContextAwareBase status = new ContextAwareBase();
        status.setContext(context);

        int total = 2 * EVENTS_PER_JOB;
        AmqpLogConsumer consumer = AmqpLogConsumer.builder()
                .uri(uri)
                .services(service)
                .failureQueue(failures)
                .sink(SqliteSinks.forFile(db, status))
                .build();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        try (consumer;
                Connection connection = factory.newConnection("sluice-demo-bad-producer")) {
            consumer.start();
            out.printf("Sluice AMQP demo: consuming %s into %s%n", consumer.getQueues(), db);
            Thread jobB = new Thread(() -> logJob("job-b"), "job-b");
            jobB.start();
            logJob("job-a");
            jobB.join();
            publishMalformed(connection, service + "_info_logs");
            context.stop(); // drains the appender: every event is confirmed by the broker
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((consumer.getStoredEvents() < total || consumer.getDeadLettered() < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            out.printf(
                    "consumed %,d messages: stored %,d events, dead-lettered %d (malformed %d), duplicates skipped"
                            + " %d%n",
                    consumer.getConsumed(),
                    consumer.getStoredEvents(),
                    consumer.getDeadLettered(),
                    consumer.getDeadLettered(FailureReason.MALFORMED),
                    consumer.getDuplicatesSkipped());
            try (Channel channel = connection.createChannel()) {
                var dead = channel.basicGet(failures, true);
                if (dead != null) {
                    out.printf(
                            "failure queue %s: %s%n",
                            failures, dead.getProps().getHeaders().get(FailureReason.HEADER));
                }
                for (String level : AmqpWireFormat.levelNames("LOGBACK")) {
                    channel.queueDelete(service + "_" + level + "_logs");
                }
                channel.queueDelete(failures);
            }
        }
        long rows;
        try (LogStore store = LogStore.open(db)) {
            LogStatistics statistics = store.statistics();
            rows = statistics.totalLogs();
            out.printf("the store holds %,d events: %s%n", rows, statistics.logsByLevel());
        }
        boolean ok = rows == total
                && consumer.getStoredEvents() == total
                && consumer.getDeadLettered(FailureReason.MALFORMED) == 1;
        out.println(
                ok
                        ? "RESULT ok: every event stored once, the malformed message in the failure queue"
                        : "RESULT FAILED");
        return ok;
    }

    private static void logJob(String job) {
        Logger logger = LoggerFactory.getLogger("demo.jobs");
        for (int i = 0; i < EVENTS_PER_JOB; i++) {
            Level level = LEVELS.get(i % LEVELS.size());
            logger.atLevel(org.slf4j.event.Level.valueOf(level.toString()))
                    .addKeyValue("job", job)
                    .log("{} step {}", job, i);
        }
    }

    private static void publishMalformed(Connection connection, String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType(AmqpWireFormat.JSON)
                    .deliveryMode(2)
                    .messageId("demo-malformed")
                    .build();
            channel.basicPublish("", queue, properties, "{\"v\":1, not json".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        }
    }
}
