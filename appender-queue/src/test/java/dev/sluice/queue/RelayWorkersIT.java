package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.status.Status;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay with real worker JVMs ({@link RelayWorkerMain}) and the central server in this JVM ({@link Central}):
 * every event arrives once and in each worker's order; a server restarted on the same socket gets what the workers
 * still held; a worker killed mid-stream is cleaned up and costs the others nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RelayWorkersIT {

    static final int WORKERS = 4;
    static final int EVENTS = 20_000;
    static final Pattern MESSAGE = Pattern.compile("(\\S+) e(\\d+)");

    @TempDir
    Path temp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A started worker JVM: its name, its process and the file holding its output. */
    record WorkerJvm(String name, Process process, Path output) {

        /** Waits for the exit and returns the counters it printed; fails with its output if it printed none. */
        Map<String, Long> awaitCounters() throws Exception {
            assertThat(process.waitFor(2, TimeUnit.MINUTES))
                    .as("%s exits", name)
                    .isTrue();
            String text = Files.readString(output);
            String line = text.lines()
                    .filter(l -> l.startsWith(RelayWorkerMain.COUNTERS))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " printed no counters:\n" + text));
            System.out.println(line + " exit=" + process.exitValue());
            Map<String, Long> counters = new HashMap<>();
            Matcher matcher = Pattern.compile("(\\w+)=(\\d+)").matcher(line);
            while (matcher.find()) {
                counters.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
            return counters;
        }

        /** Exits 0, having had every one of its events acknowledged and none dropped. */
        void assertDeliveredAll(long events) throws Exception {
            Map<String, Long> counters = awaitCounters();
            assertThat(counters)
                    .as("%s: %s", name, Files.readString(output))
                    .containsEntry("delivered", events)
                    .containsEntry("dropped", 0L);
            assertThat(process.exitValue()).isEqualTo(RelayWorkerMain.ALL_DELIVERED);
        }
    }

    private Central central() {
        Central central = new Central(temp.resolve("sock"), server -> {});
        closing.add(central);
        return central;
    }

    private WorkerJvm launch(RelayServer server, String name, long events) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                "-D" + RelayAppender.NAME_PROPERTY + "=" + name,
                RelayWorkerMain.class.getName(),
                name,
                Long.toString(events));
        Relay.passTo(server, builder.environment());
        Path output = temp.resolve(name + ".out");
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        Process process = builder.start();
        processes.add(process);
        return new WorkerJvm(name, process, output);
    }

    private List<WorkerJvm> launchAll(RelayServer server, int workers, long events) throws IOException {
        List<WorkerJvm> launched = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            launched.add(launch(server, "w" + w, events));
        }
        return launched;
    }

    /** The counters of each worker's events, in the order the central process got them. */
    private static Map<String, List<Long>> byWorker(Central central) {
        return central.collector.events.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .map(MESSAGE::matcher)
                .filter(Matcher::matches)
                .collect(Collectors.groupingBy(
                        m -> m.group(1), Collectors.mapping(m -> Long.parseLong(m.group(2)), Collectors.toList())));
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static int accepted(Central central, String worker) {
        return StatusAssertions.countMatching(central.context, Status.INFO, "accepted worker '" + worker + "'");
    }

    @Test
    void fourWorkerJvmsDeliverEveryEventOnceInOrder() throws Exception {
        Central central = central();
        List<WorkerJvm> workers = launchAll(central.server, WORKERS, EVENTS);
        for (WorkerJvm worker : workers) {
            worker.assertDeliveredAll(EVENTS);
        }

        Map<String, List<Long>> received = byWorker(central);
        assertThat(central.collector.events).hasSize(WORKERS * EVENTS);
        for (WorkerJvm worker : workers) {
            assertThat(received.get(worker.name())).as(worker.name()).isEqualTo(range(0, EVENTS));
        }
        assertThat(central.server.getEventsDispatched()).isEqualTo(WORKERS * EVENTS);
        System.out.printf(
                "4 JVMs: %d events dispatched, server received %d, dropped %d duplicates%n",
                central.server.getEventsDispatched(),
                central.server.getEventsReceived(),
                central.server.getDuplicatesDropped());
        StatusAssertions.assertNoErrors(central.context);
    }

    /** Holds the dispatching thread at the {@code at}-th event until released: the server is then mid-stream. */
    static final class Tripwire extends AppenderBase<ILoggingEvent> {
        final int at;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private int seen;

        Tripwire(int at) {
            this.at = at;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (++seen == at) {
                reached.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void workersReconnectToARestartedServerAndLoseNothing() throws Exception {
        Central first = central();
        Tripwire tripwire = new Tripwire(WORKERS * EVENTS / 4);
        tripwire.setContext(first.context);
        tripwire.start();
        first.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(tripwire);
        String address = first.server.address().toString();
        List<WorkerJvm> workers = launchAll(first.server, WORKERS, EVENTS);

        // Mid-stream for sure: the first server has dispatched a quarter of the events and is held at the next one,
        // its hand-off fills and the workers' unacknowledged events and queues with it. Stopping closes the
        // connections first; released, it then dispatches what it had read, which nobody acknowledges any more.
        await().atMost(2, TimeUnit.MINUTES).until(() -> tripwire.reached.getCount() == 0);
        Thread stopping = new Thread(first.server::stop, "stop-first-server");
        stopping.start();
        await().atMost(1, TimeUnit.MINUTES).until(() -> first.server.getConnections() == 0);
        tripwire.released.countDown();
        await().atMost(1, TimeUnit.MINUTES).until(() -> !stopping.isAlive());

        Central second = central();
        assertThat(second.server.address().toString()).isEqualTo(address);
        for (WorkerJvm worker : workers) {
            worker.assertDeliveredAll(EVENTS);
        }

        Map<String, List<Long>> before = byWorker(first);
        Map<String, List<Long>> after = byWorker(second);
        long duplicates = 0;
        for (WorkerJvm worker : workers) {
            String name = worker.name();
            List<Long> fromFirst = before.getOrDefault(name, List.of());
            List<Long> fromSecond = after.get(name);
            // Each server got a gap-free run in order: the first from e0, the second up to the last event, starting
            // at or before where the first stopped; the overlap is what the first dispatched but never acknowledged,
            // which the worker still held (at most maxUnacked).
            assertThat(fromFirst).as(name).isEqualTo(range(0, fromFirst.size()));
            long resentFrom = fromSecond.get(0);
            assertThat(resentFrom).as(name).isLessThanOrEqualTo(fromFirst.size());
            assertThat(fromSecond).as(name).isEqualTo(range(resentFrom, EVENTS));
            long overlap = fromFirst.size() - resentFrom;
            assertThat(overlap).as(name).isBetween(0L, (long) RelayAppender.DEFAULT_MAX_UNACKED);
            duplicates += overlap;
            System.out.printf(
                    "restart: %s: first server e0..e%d (%d), second e%d..e%d, %d duplicates, connections %d then %d%n",
                    name,
                    fromFirst.size() - 1,
                    fromFirst.size(),
                    resentFrom,
                    EVENTS - 1,
                    overlap,
                    accepted(first, name),
                    accepted(second, name));
            assertThat(accepted(second, name)).as(name).isGreaterThanOrEqualTo(1);
        }
        long total = first.collector.events.size() + second.collector.events.size();
        assertThat(total).isEqualTo(WORKERS * EVENTS + duplicates);
        System.out.printf(
                "restart: %d events stored across both servers for %d logged, %d duplicates; the first server"
                        + " dispatched %d, the second %d%n",
                total,
                WORKERS * EVENTS,
                duplicates,
                first.server.getEventsDispatched(),
                second.server.getEventsDispatched());
    }

    @Test
    void aKilledWorkerIsCleanedUpAndTheOthersAreUnaffected() throws Exception {
        Central central = central();
        // The victim logs without end: whenever it is killed, it is mid-stream.
        WorkerJvm victim = launch(central.server, "victim", Long.MAX_VALUE);
        List<WorkerJvm> others = launchAll(central.server, WORKERS - 1, EVENTS);
        await().atMost(2, TimeUnit.MINUTES)
                .until(() -> byWorker(central).getOrDefault("victim", List.of()).size() >= 1000);

        victim.process().destroyForcibly();
        assertThat(victim.process().waitFor(1, TimeUnit.MINUTES)).isTrue();
        await().atMost(1, TimeUnit.MINUTES).until(() -> central.server.getConnections() <= WORKERS - 1);

        for (WorkerJvm worker : others) {
            worker.assertDeliveredAll(EVENTS);
        }
        // The others closed theirs on stopping; the victim's is gone too, or this would wait forever.
        await().atMost(1, TimeUnit.MINUTES).until(() -> central.server.getConnections() == 0);

        Map<String, List<Long>> received = byWorker(central);
        for (WorkerJvm worker : others) {
            assertThat(received.get(worker.name())).as(worker.name()).isEqualTo(range(0, EVENTS));
        }
        List<Long> fromVictim = received.get("victim");
        assertThat(fromVictim).isEqualTo(range(0, fromVictim.size()));
        assertThat(central.collector.events).hasSize((WORKERS - 1) * EVENTS + fromVictim.size());
        System.out.printf(
                "kill: the victim (exit %d) got e0..e%d through before it died; the others %d each, once, in order;"
                        + " the server received %d, dropped %d duplicates, %d connections left%n",
                victim.process().exitValue(),
                fromVictim.size() - 1,
                EVENTS,
                central.server.getEventsReceived(),
                central.server.getDuplicatesDropped(),
                central.server.getConnections());
    }
}
