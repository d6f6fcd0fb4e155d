package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers and a central server in one JVM, over real sockets: every event arrives once, in each thread's order, and is
 * counted delivered only when acknowledged; TCP needs the token; a restarted server loses nothing the worker still
 * holds; a full hand-off stops the reading and the worker counts its drops.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayTest {

    @TempDir
    Path temp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Central central(java.util.function.Consumer<RelayServer> settings) {
        Central central = new Central(temp.resolve("sock"), settings);
        closing.add(central);
        return central;
    }

    private Worker worker(String name, String address, java.util.function.Consumer<RelayAppender> settings) {
        Worker worker = new Worker(name, address, settings);
        closing.add(worker);
        return worker;
    }

    private static void logFromThreads(Worker worker, int threads, int perThread) throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread logging = new Thread(
                    () -> {
                        Logger logger = worker.logger("app.thread" + thread);
                        for (int i = 0; i < perThread; i++) {
                            logger.info("t{} e{}", thread, i);
                        }
                    },
                    "logging-" + t);
            logging.start();
            started.add(logging);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }

    /** Each logger's (thread's) events, in arrival order, must be e0, e1, ... with nothing missing or repeated. */
    private static void assertEveryThreadInOrder(Central central, int threads, int perThread) {
        Map<String, List<String>> byLogger = central.collector.events.stream()
                .collect(Collectors.groupingBy(
                        ILoggingEvent::getLoggerName,
                        Collectors.mapping(ILoggingEvent::getFormattedMessage, Collectors.toList())));
        assertThat(byLogger).hasSize(threads);
        for (int t = 0; t < threads; t++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add("t" + t + " e" + i);
            }
            assertThat(byLogger.get("app.thread" + t)).isEqualTo(expected);
        }
    }

    private static String describe(Worker worker, Central central) {
        return "worker: " + worker.appender.getStats() + "; server: received "
                + central.server.getEventsReceived() + ", dispatched " + central.server.getEventsDispatched()
                + ", duplicates " + central.server.getDuplicatesDropped() + ", hand-off "
                + central.server.getHandoffDepth() + ", connections " + central.server.getConnections() + "; "
                + StatusAssertions.describe(central.context) + StatusAssertions.describe(worker.context);
    }

    @Test
    void everyEventArrivesOnceInEachThreadsOrderAndCountsWhenAcknowledged() throws Exception {
        Central central = central(server -> {});
        assertThat(central.server.address().isUnix()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("sock"))))
                .isEqualTo("rwx------");
        Worker worker = worker("w1", central.server.address().toString(), a -> a.setQueueSize(20_000));
        logFromThreads(worker, 4, 5000);
        AppenderStatsMXBean stats = worker.appender.getStats();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() + stats.getDropped() == 20_000);
        assertThat(stats.getDropped()).as(describe(worker, central)).isZero();

        assertThat(central.collector.events).hasSize(20_000);
        assertEveryThreadInOrder(central, 4, 5000);
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getUnconfirmed()).isZero();
        assertThat(central.server.getEventsReceived()).isEqualTo(20_000);
        assertThat(central.server.getEventsDispatched()).isEqualTo(20_000);
        assertThat(central.server.getDuplicatesDropped()).isZero();
        StatusAssertions.assertNoErrors(worker.context);
        StatusAssertions.assertNoErrors(central.context);
        ILoggingEvent first = central.collector.events.peek();
        assertThat(first.getThreadName()).startsWith("logging-");
    }

    @Test
    void theCentralLevelsDecide() throws Exception {
        Central central = central(server -> {});
        central.context.getLogger("app.quiet").setLevel(ch.qos.logback.classic.Level.WARN);
        Worker worker = worker("w-levels", central.server.address().toString(), a -> {});
        worker.logger("app.quiet").info("dropped by the central level");
        worker.logger("app.quiet").warn("kept");
        worker.logger("app.loud").debug("kept too");
        await().until(() -> worker.appender.getStats().getDelivered() == 3);
        assertThat(central.collector.messages()).containsExactly("kept", "kept too");
        // Names from the wire do not create central loggers; the nearest existing one decided.
        assertThat(central.context.exists("app.loud")).isNull();
    }

    @Test
    void aLoggerTheCentralProcessCreatesLaterServesItsNameSoon() throws Exception {
        Central central = central(server -> {});
        Worker worker = worker("w-later", central.server.address().toString(), a -> {});
        worker.logger("app.late").info("served by the root");
        await().until(() -> worker.appender.getStats().getDelivered() == 1);
        assertThat(central.collector.messages()).containsExactly("served by the root");

        // The dispatcher remembers which logger serves a name for a second at most; then the new one takes over.
        central.context.getLogger("app").setLevel(ch.qos.logback.classic.Level.ERROR);
        // Each round logs an INFO and an ERROR; once two ERRORs arrive in a row, app's level has filtered an INFO.
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            worker.logger("app.late").info("quiet once app's level applies");
            worker.logger("app.late").error("probe");
            List<String> messages = central.collector.messages();
            return messages.size() >= 2
                    && messages.subList(messages.size() - 2, messages.size()).equals(List.of("probe", "probe"));
        });
        assertThat(central.context.exists("app.late")).isNull();
    }

    @Test
    void tcpNeedsTheTokenAndAWrongOneIsRefused() throws Exception {
        Central central = central(server -> server.setTransport("tcp"));
        String address = central.server.address().toString();
        assertThat(address).startsWith("tcp:127.0.0.1:");
        Path tokenFile = central.server.tokenFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");

        Worker good = worker("w-tcp", address, a -> a.setTokenFile(tokenFile.toString()));
        good.logger("app").info("over tcp");
        await().until(() -> good.appender.getStats().getDelivered() == 1);
        assertThat(central.collector.messages()).containsExactly("over tcp");

        Path wrong = temp.resolve("wrong.token");
        Files.writeString(wrong, "not-the-token\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Worker bad = worker("w-bad", address, a -> a.setTokenFile(wrong.toString()));
        bad.logger("app").info("must not arrive");
        StatusAssertions.awaitStatus(
                bad.context, Status.WARN, "refused the connection: a hello without the right token");
        assertThat(central.server.getProtocolErrors()).isGreaterThanOrEqualTo(1);
        assertThat(central.collector.messages()).containsExactly("over tcp");
        assertThat(bad.appender.getStats().getDelivered()).isZero();

        Worker noToken = worker("w-none", address, a -> {});
        assertThat(noToken.appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(noToken.context, Status.ERROR, "tokenFile is required for a tcp: address");
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws Exception {
        Path open = temp.resolve("open.token");
        Files.writeString(open, "abc\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Worker worker = worker("w-open", "tcp:127.0.0.1:4560", a -> a.setTokenFile(open.toString()));
        assertThat(worker.appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(worker.context, Status.ERROR, "must be readable by its user only");
    }

    @Test
    void aRestartedServerGetsWhatTheWorkerStillHeldAndNothingIsLost() throws Exception {
        Path directory = temp.resolve("sock");
        Central first = new Central(directory, server -> {});
        String address = first.server.address().toString();
        Worker worker = worker("w-restart", address, a -> a.setQueueSize(50_000));
        Logger logger = worker.logger("app.restart");
        for (int i = 0; i < 2000; i++) {
            logger.info("e{}", i);
        }
        await().until(() -> worker.appender.getStats().getDelivered() == 2000);
        first.close();
        for (int i = 2000; i < 5000; i++) {
            logger.info("e{}", i);
        }
        Central second = central(server -> {});
        assertThat(second.server.address().toString()).isEqualTo(address);
        AppenderStatsMXBean stats = worker.appender.getStats();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 5000);

        List<String> all = new ArrayList<>(first.collector.messages());
        all.addAll(second.collector.messages());
        assertThat(all.stream().distinct().count()).isEqualTo(5000);
        assertThat(first.collector.messages()).hasSize(2000);
        assertThat(stats.getDropped()).isZero();
    }

    @Test
    void aFullHandOffStopsTheReadingAndTheWorkerCountsItsDrops() throws Exception {
        Central central = central(server -> server.setHandoffCapacity(10));
        central.collector.gate = new CountDownLatch(1);
        Worker worker = worker("w-flood", central.server.address().toString(), a -> {
            a.setQueueSize(100);
            a.setBatchSize(10);
            a.setMaxUnacked(100);
            a.setAckTimeout(Duration.buildBySeconds(60));
        });
        Logger logger = worker.logger("app.flood");
        AppenderStatsMXBean stats = worker.appender.getStats();
        int logged = 0;
        // The central appender is stuck: the hand-off fills, the server stops reading, the worker's unacked events
        // reach maxUnacked, its queue fills, and then every further event is a counted drop; logging never waits.
        while (stats.getDroppedQueueFull() < 1000) {
            logger.info("e{}", logged++);
        }
        await().until(() -> central.server.getHandoffDepth() == 10);
        central.collector.gate.countDown();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getQueueDepth() == 0 && stats.getUnconfirmed() == 0);
        assertThat(stats.getAppended()).isEqualTo(logged);
        assertThat(stats.getDelivered() + stats.getDropped()).isEqualTo(logged);
        assertThat(central.collector.events).hasSize((int) stats.getDelivered());
        assertThat(central.collector.messages().stream().distinct().count()).isEqualTo(stats.getDelivered());
    }

    @Test
    void anEventTooLargeForAFrameIsRejectedAndTheRestArrive() throws Exception {
        Central central = central(server -> {});
        Worker worker = worker("w-big", central.server.address().toString(), a -> {
            a.setMaxFrameBytes(4096);
            a.setMaxStringLength(100_000);
        });
        Logger logger = worker.logger("app.big");
        logger.info("before");
        logger.info("x".repeat(10_000));
        logger.info("after");
        AppenderStatsMXBean stats = worker.appender.getStats();
        await().until(() -> stats.getDelivered() == 2);
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(1);
        assertThat(central.collector.messages()).containsExactly("before", "after");
        assertThat(worker.context.getStatusManager().getCopyOfStatusList())
                .filteredOn(status -> status.getLevel() == Status.ERROR)
                .singleElement()
                .satisfies(status ->
                        assertThat(status.getThrowable()).hasMessageContaining("more than a frame may carry"));
    }
}
