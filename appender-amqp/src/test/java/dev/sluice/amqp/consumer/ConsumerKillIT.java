package dev.sluice.amqp.consumer;

import static dev.sluice.amqp.consumer.ConsumerTestSupport.canonical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.RecordingSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer killed with SIGKILL in the middle of a batch its sink holds: the messages it had stored and acked are
 * gone from the queue, every other one goes back, and a new consumer stores exactly those. None is lost, none stored
 * twice.
 */
class ConsumerKillIT {

    private static final RabbitMqServer BROKER = RabbitMqServer.shared();
    private static final int TOTAL = 500;
    private static final int BATCHES_BEFORE_HOLD = 3;

    @TempDir
    Path directory;

    @Test
    void aConsumerKilledMidBatchLosesNothing() throws Exception {
        String service = ConsumerTestSupport.unique("kill");
        String failures = service + "_failed";
        String queue = service + "_info_logs";
        Path stored = directory.resolve("stored.txt");
        try (ConsumerTestSupport amqp = new ConsumerTestSupport(BROKER)) {
            try {
                amqp.channel.queueDeclare(
                        queue, true, false, false, AmqpWireFormat.queueArguments(604_800_000L, 1_000_000L));
                for (int i = 0; i < TOTAL; i++) {
                    amqp.publish(queue, "k-" + i, AmqpWireFormat.JSON, canonical(service, Level.INFO, "event " + i));
                }

                Process child = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                KilledConsumerMain.class.getName(),
                                BROKER.uri(),
                                service,
                                failures,
                                stored.toString(),
                                Integer.toString(BATCHES_BEFORE_HOLD))
                        .redirectErrorStream(true)
                        .start();
                List<String> output = new CopyOnWriteArrayList<>();
                Thread reader = new Thread(() -> readLines(child, output), "child-output");
                reader.setDaemon(true);
                reader.start();
                try {
                    await("the child holds a batch; output: " + output)
                            .atMost(60, TimeUnit.SECONDS)
                            .until(() -> output.stream().anyMatch(l -> l.startsWith("HELD ")));
                } finally {
                    child.destroyForcibly();
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }

                List<String> committed = Files.readAllLines(stored);
                int storedByChild = output.stream()
                        .filter(l -> l.startsWith("STORED "))
                        .mapToInt(l -> Integer.parseInt(l.substring(7)))
                        .sum();
                assertThat(committed).hasSize(storedByChild);
                assertThat(output.stream().filter(l -> l.startsWith("STORED "))).hasSize(BATCHES_BEFORE_HOLD);
                // What the child acked is gone; what it held or had not taken yet is back in the queue.
                await().atMost(30, TimeUnit.SECONDS).until(() -> amqp.ready(queue) == TOTAL - storedByChild);

                RecordingSink<ILoggingEvent> sink = new RecordingSink<>();
                try (AmqpLogConsumer again = AmqpLogConsumer.builder()
                        .uri(BROKER.uri())
                        .services(service)
                        .failureQueue(failures)
                        .maxBatchDelay(Duration.ofMillis(100))
                        .sink(sink)
                        .build()) {
                    again.start();
                    sink.awaitCount(TOTAL - storedByChild, Duration.ofSeconds(30));
                    await().atMost(10, TimeUnit.SECONDS).until(() -> again.getAcked() == TOTAL - storedByChild);
                }
                List<String> all = new ArrayList<>(committed);
                all.addAll(ConsumerTestSupport.messages(sink.events()));
                Set<String> distinct = new HashSet<>(all);
                assertThat(all).as("stored once each").hasSize(TOTAL);
                assertThat(distinct).hasSize(TOTAL);
                for (int i = 0; i < TOTAL; i++) {
                    assertThat(distinct).contains("event " + i);
                }
                assertThat(amqp.ready(queue)).isZero();
                assertThat(amqp.ready(failures)).isZero();
                System.out.printf(
                        "ConsumerKillIT: child stored %d in %d batches and held 1; the next consumer"
                                + " stored %d; total %d of %d%n",
                        storedByChild, BATCHES_BEFORE_HOLD, sink.count(), all.size(), TOTAL);
            } finally {
                amqp.deleteQueues(service, failures);
            }
        }
    }

    private static void readLines(Process child, List<String> output) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
            }
        } catch (Exception e) {
            output.add("(output ended: " + e + ")");
        }
    }
}
