package dev.sluice.bench.relay;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SimpleSocketServer;
import dev.sluice.bench.BenchReport;
import dev.sluice.queue.RelayServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The relay benchmark ({@code scripts/bench relay}): {@code bench.workers} worker JVMs ({@link RelayBenchWorker}) log
 * the benchmarks' events as fast as they can into one central process, this one, whose root logger has only a
 * {@link CountingAppender}. Each worker first logs for {@code bench.workerWarmupSeconds}, every contestant for the same
 * time, and the central process must have counted those events before the clock starts, so that fresh JVMs are measured
 * compiled, as long-running ones are (with five JVMs on two CPUs the JIT needs some 20 seconds to settle); the clock runs from the moment every worker is told to go until the central process has counted every event.
 * Contestants, one at a time, in rounds whose order rotates:
 *
 * <ul>
 *   <li>{@code sluice}: {@code RelayAppender} ({@code overflowPolicy=BLOCK}, queue 8192) into a {@link RelayServer}
 *       on a Unix-domain socket, which dispatches through the central context;
 *   <li>{@code logback} (the anchor): Logback's {@code SocketAppender} (queue 8192, an event delay limit of ten minutes
 *       so that it waits instead of dropping) into Logback's {@link SimpleSocketServer} on TCP loopback, which
 *       deserializes and dispatches on one thread per connection.
 * </ul>
 *
 * <pre>
 * BENCH relay-w&lt;workers&gt; ours=&lt;sluice events/s&gt; logback=&lt;events/s&gt; ratio=&lt;ours/logback&gt;
 * </pre>
 *
 * <p>Goals: at least 3 times Logback's socket path, and at least 300,000 events/s in all. Settings:
 * {@code bench.workers} (4), {@code bench.events} (1000000 per worker, Sluice), {@code bench.peerEvents} (100000 per
 * worker, Logback), {@code bench.workerWarmupSeconds} (20), {@code bench.rounds} (3), {@code bench.warmup}
 * (1), {@code bench.impl} ({@code sluice,logback}), {@code bench.workerJvmArgs} (extra options of the worker JVMs,
 * {@code {name}} replaced by the worker's name, e.g. to record a profile).
 */
public final class RelayBench {

    private static final List<String> IMPLS = List.of("sluice", "logback");
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private RelayBench() {}

    record Run(long events, double perSecond) {}

    public static void main(String[] args) throws Exception {
        int workers = BenchReport.intSetting("bench.workers", 4);
        int events = BenchReport.intSetting("bench.events", 1_000_000);
        int peerEvents = BenchReport.intSetting("bench.peerEvents", 100_000);
        int rounds = BenchReport.intSetting("bench.rounds", 3);
        int warmup = BenchReport.intSetting("bench.warmup", 1);
        int workerWarmup = BenchReport.intSetting("bench.workerWarmupSeconds", 20);
        List<String> impls = BenchReport.list("bench.impl", String.join(",", IMPLS));
        if (workers < 1
                || events < 1
                || peerEvents < 1
                || rounds < 1
                || warmup < 0
                || workerWarmup < 0
                || !IMPLS.containsAll(impls)) {
            throw new IllegalArgumentException("bench.workers, bench.events, bench.peerEvents and bench.rounds must be"
                    + " at least 1, bench.warmup and bench.workerWarmupSeconds at least 0, bench.impl a subset of "
                    + IMPLS);
        }
        System.out.printf(
                Locale.ROOT,
                "# workers=%d events=%d (per worker, sluice) peerEvents=%d (per worker, logback) workerWarmupSeconds=%d"
                        + " warmup=%d rounds=%d%n",
                workers,
                events,
                peerEvents,
                workerWarmup,
                warmup,
                rounds);
        Map<String, List<Run>> results = new LinkedHashMap<>();
        impls.forEach(impl -> results.put(impl, new ArrayList<>()));
        for (int round = 0; round < warmup + rounds; round++) {
            boolean measured = round >= warmup;
            StringBuilder line = new StringBuilder(measured ? "# round " + (round - warmup + 1) : "# warm-up");
            for (int k = 0; k < impls.size(); k++) {
                String impl = impls.get((round + k) % impls.size());
                System.gc();
                Run run = run(impl, workers, impl.equals("sluice") ? events : peerEvents, workerWarmup);
                line.append(String.format(Locale.ROOT, "  %s %s/s", impl, BenchReport.integer(run.perSecond())));
                if (measured) {
                    results.get(impl).add(run);
                }
            }
            System.out.println(line);
        }
        System.out.println();
        results.forEach((impl, runs) -> System.out.printf(
                Locale.ROOT,
                "%-10s %d rounds of %d events: median %s events/s (min %s, max %s)%n",
                impl,
                runs.size(),
                runs.get(0).events(),
                BenchReport.integer(median(runs)),
                BenchReport.integer(
                        runs.stream().mapToDouble(Run::perSecond).min().orElse(0)),
                BenchReport.integer(
                        runs.stream().mapToDouble(Run::perSecond).max().orElse(0))));
        System.out.println("# goals: ours >= 3 x logback, ours >= 300,000 events/s");
        if (results.containsKey("sluice") && results.containsKey("logback")) {
            System.out.println(BenchReport.benchLine(
                    "relay-w" + workers, median(results.get("sluice")), "logback", median(results.get("logback"))));
        }
    }

    private static double median(List<Run> runs) {
        double[] rates = runs.stream().mapToDouble(Run::perSecond).sorted().toArray();
        return BenchReport.median(rates);
    }

    private static Run run(String impl, int workers, long events, int workerWarmupSeconds) throws Exception {
        LoggerContext central = new LoggerContext();
        central.setName("central");
        central.start();
        CountingAppender counter = new CountingAppender();
        counter.setContext(central);
        counter.setName("COUNT");
        counter.start();
        Logger root = central.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(counter);
        AutoCloseable server;
        String address;
        if (impl.equals("sluice")) {
            RelayServer relay = new RelayServer();
            relay.setContext(central);
            relay.start();
            if (!relay.isStarted()) {
                throw new IllegalStateException(
                        "relay server: " + central.getStatusManager().getCopyOfStatusList());
            }
            server = relay::stop;
            address = relay.address().toString();
        } else {
            int port = freePort();
            SimpleSocketServer socketServer = new SimpleSocketServer(central, port);
            socketServer.addAllowedClientAddress("127.0.0.1");
            socketServer.start();
            server = socketServer::close;
            address = Integer.toString(port);
        }
        List<Process> processes = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                processes.add(startWorker(impl, address, events, "w" + w, workerWarmupSeconds));
            }
            long warmups = 0;
            for (Process process : processes) {
                warmups += awaitReady(process);
            }
            await(counter::count, warmups, STALL_NANOS); // every worker's warm-up arrived: all connected and compiled
            long total = warmups + workers * events;
            long start = System.nanoTime();
            for (Process process : processes) {
                OutputStream in = process.getOutputStream();
                in.write((RelayBenchWorker.GO + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            long counted = await(counter::count, total, STALL_NANOS);
            long nanos = System.nanoTime() - start;
            if (counted != total) {
                throw new IllegalStateException(impl + " lost events: the central process counted "
                        + (counted - warmups) + " of " + (total - warmups));
            }
            return new Run(workers * events, workers * events * 1e9 / nanos);
        } finally {
            for (Process process : processes) {
                process.getOutputStream().close();
            }
            for (Process process : processes) {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            server.close();
            central.stop();
        }
    }

    /** Polls the count every millisecond until it reaches {@code target} or stalls for {@code stallNanos}. */
    private static long await(LongSupplier count, long target, long stallNanos) {
        long last = count.getAsLong();
        long lastMove = System.nanoTime();
        while (last < target) {
            LockSupport.parkNanos(POLL_NANOS); // not a spin: the machine's CPUs belong to the contestants
            long now = count.getAsLong();
            if (now != last) {
                last = now;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > stallNanos) {
                return last;
            }
        }
        return last;
    }

    private static Process startWorker(String impl, String address, long events, String name, int warmupSeconds)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m"));
        String extra = System.getProperty("bench.workerJvmArgs", "").replace("{name}", name);
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                RelayBenchWorker.class.getName(),
                impl,
                address,
                Long.toString(events),
                name,
                Integer.toString(warmupSeconds)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return builder.start();
    }

    /** Waits for the worker's {@code ready <warm-up events>} line and returns the number of events. */
    private static long awaitReady(Process process) throws IOException {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String prefix = RelayBenchWorker.READY + " ";
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length()));
            }
        }
        throw new IllegalStateException("a worker ended before saying " + RelayBenchWorker.READY);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
