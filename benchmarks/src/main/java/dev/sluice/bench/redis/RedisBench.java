package dev.sluice.bench.redis;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.Producers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The Redis benchmark ({@code scripts/bench redis}): events per second that Redis received from the
 * {@code RedisAppender} end to end ({@link SluiceRun}), next to the {@code redis-benchmark} limit for the same
 * commands and payload ({@link RedisBenchmarkLimit}) and to {@code com.cwbase:logback-redis-appender} behind Logback's
 * {@code AsyncAppender} ({@link CwbaseRun}), in one run on one machine, against one private {@code redis-server}
 * ({@link PrivateRedis}) that is emptied before every run. Every contestant sends the canonical JSON of the same
 * events ({@link RedisEventShape}: the SQLite benchmark's shape plus a context id, {@code job-0} to
 * {@code job-<contexts-1>}); every count is taken from Redis, never from a client.
 *
 * <p>The contestants run in rounds whose order rotates, so that a noisy neighbour spreads over all of them; the
 * warm-up rounds are the same and are not counted. Each configuration reports the median of its rounds; the BENCH
 * lines compare medians, against the limit at the first pipeline depth of {@code bench.pipelines}:
 *
 * <pre>
 * BENCH redis-t&lt;threads&gt; ours=&lt;events/s&gt; redis-benchmark=&lt;events/s&gt; ratio=&lt;ours/limit&gt;
 * BENCH redis-t&lt;threads&gt; ours=&lt;events/s&gt; cwbase=&lt;events/s&gt; ratio=&lt;ours/cwbase&gt;
 * </pre>
 *
 * <p>The limit's event rate is {@code 1 / (2/publish_rate + 2/xadd_rate)}: see {@link RedisBenchmarkLimit}. It is
 * one connection's, so every {@code t<threads>} line compares with the same limit. System properties override the
 * defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Property</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code bench.events}</td><td>200000</td><td>events per Sluice run</td></tr>
 *   <tr><td>{@code bench.peerEvents}</td><td>50000</td><td>events per cwbase run (one round trip or two each)</td></tr>
 *   <tr><td>{@code bench.requests}</td><td>500000</td><td>requests per {@code redis-benchmark} command run</td></tr>
 *   <tr><td>{@code bench.warmup}</td><td>1</td><td>warm-up rounds</td></tr>
 *   <tr><td>{@code bench.rounds}</td><td>5</td><td>measured rounds</td></tr>
 *   <tr><td>{@code bench.threads}</td><td>1,4</td><td>producer thread counts</td></tr>
 *   <tr><td>{@code bench.contexts}</td><td>8</td><td>distinct context ids (context channels)</td></tr>
 *   <tr><td>{@code bench.pipelines}</td><td>100,1000</td><td>{@code redis-benchmark -P} depths; the first is the
 *       BENCH limit</td></tr>
 *   <tr><td>{@code bench.impl}</td><td>sluice,redis-benchmark,cwbase</td><td>which contestants run</td></tr>
 *   <tr><td>{@code bench.batchCommand}</td><td>{@code SCRIPT}</td><td>the appender's {@code batchCommand}:
 *       {@code SCRIPT} or {@code PIPELINE}</td></tr>
 *   <tr><td>{@code bench.redisServer}</td><td>{@code redis-server}</td><td>the server to start</td></tr>
 *   <tr><td>{@code bench.redisBenchmark}</td><td>{@code redis-benchmark}</td><td>the limit's tool</td></tr>
 * </table>
 */
public final class RedisBench {

    /** The name of every contestant's Logback context, and so the {@code service} of every payload. */
    static final String CONTEXT_NAME = "redis-bench";

    /** A count that does not move for this long has stopped: the contestant lost the rest. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final String SLUICE = "sluice";
    private static final String LIMIT = "redis-benchmark";
    private static final String PEER = "cwbase";
    private static final List<String> IMPLS = List.of(SLUICE, LIMIT, PEER);

    private RedisBench() {}

    public static void main(String[] args) throws Exception {
        int events = BenchReport.intSetting("bench.events", 200_000);
        int peerEvents = BenchReport.intSetting("bench.peerEvents", 50_000);
        int requests = BenchReport.intSetting("bench.requests", 500_000);
        int warmup = BenchReport.intSetting("bench.warmup", 1);
        int rounds = BenchReport.intSetting("bench.rounds", 5);
        int contexts = BenchReport.intSetting("bench.contexts", 8);
        List<Integer> threads = BenchReport.intList("bench.threads", "1,4");
        List<Integer> pipelines = BenchReport.intList("bench.pipelines", "100,1000");
        Set<String> impls = Set.copyOf(BenchReport.list("bench.impl", String.join(",", IMPLS)));
        String server = System.getProperty("bench.redisServer", "redis-server");
        String tool = System.getProperty("bench.redisBenchmark", "redis-benchmark");
        if (events < 1 || peerEvents < 1 || requests < 1 || rounds < 1 || warmup < 0 || contexts < 1) {
            throw new IllegalArgumentException("bench.events, bench.peerEvents, bench.requests, bench.rounds and"
                    + " bench.contexts must be at least 1, bench.warmup at least 0");
        }
        if (threads.isEmpty() || pipelines.isEmpty()) {
            throw new IllegalArgumentException("bench.threads and bench.pipelines must list counts of at least 1");
        }
        if (!IMPLS.containsAll(impls)) {
            throw new IllegalArgumentException("bench.impl may list " + IMPLS + ", was " + impls);
        }
        // Lettuce, Netty and Jedis log to the default context, which has no configuration: keep them quiet.
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .setLevel(Level.WARN);
        System.out.printf(
                Locale.ROOT,
                "# events=%d peerEvents=%d requests=%d warmup=%d rounds=%d threads=%s contexts=%d pipelines=%s"
                        + " impl=%s%n",
                events,
                peerEvents,
                requests,
                warmup,
                rounds,
                threads,
                contexts,
                pipelines,
                impls);

        List<Config> configs = new ArrayList<>();
        for (String impl : IMPLS) {
            if (impls.contains(impl)) {
                for (int n : impl.equals(LIMIT) ? pipelines : threads) {
                    configs.add(new Config(impl, n));
                }
            }
        }
        Map<String, List<Result>> results = new LinkedHashMap<>(); // in the order of configs, not of the first round
        configs.forEach(config -> results.put(config.label(), new ArrayList<>()));
        try (PrivateRedis redis = PrivateRedis.start(server)) {
            String payload = samplePayload(contexts);
            System.out.printf(
                    Locale.ROOT,
                    "# private redis-server %s on 127.0.0.1:%d, no persistence%n",
                    redis.version(),
                    redis.port());
            System.out.printf(Locale.ROOT, "# payload of event 0, %d bytes: %s%n", payload.length(), payload);
            System.out.println("# limit: events/s = 1 / (2/PUBLISH rate + 2/XADD rate), from redis-benchmark -c 1 -P"
                    + " <depth> with that payload; per event the appender sends 2 PUBLISH + 2 XADD (+ EXPIREs per"
                    + " batch, left out)");
            int run = 0;
            for (int round = 0; round < warmup + rounds; round++) {
                boolean measured = round >= warmup;
                StringBuilder line = new StringBuilder(measured ? "# round " + (round - warmup + 1) : "# warm-up");
                for (int k = 0; k < configs.size(); k++) {
                    Config config = configs.get((round + k) % configs.size());
                    String prefix = "bench" + (++run);
                    System.gc();
                    Result result = switch (config.impl()) {
                        case SLUICE -> SluiceRun.run(redis, prefix, events, config.n(), contexts);
                        case PEER -> CwbaseRun.run(redis, prefix, peerEvents, config.n(), contexts);
                        default -> RedisBenchmarkLimit.run(redis, tool, prefix, payload, requests, config.n());
                    };
                    line.append(String.format(
                            Locale.ROOT,
                            "  %s %s/s%s",
                            config.label(),
                            integer(result.eventsPerSecond()),
                            result.detail().isEmpty() ? "" : " " + result.detail()));
                    if (measured) {
                        results.get(config.label()).add(result);
                    }
                }
                System.out.println(line);
            }
        }

        System.out.println();
        System.out.print(table(results));
        Config limit = new Config(LIMIT, pipelines.get(0));
        for (int count : threads) {
            Config ours = new Config(SLUICE, count);
            pairedRatio(results, ours, limit);
            pairedRatio(results, ours, new Config(PEER, count));
        }
        for (int count : threads) {
            Double ours = medianOf(results, new Config(SLUICE, count));
            Double limitRate = medianOf(results, limit);
            Double peerRate = medianOf(results, new Config(PEER, count));
            if (ours != null && limitRate != null) {
                System.out.println(benchLine(count, ours, LIMIT, limitRate));
            }
            if (ours != null && peerRate != null) {
                System.out.println(benchLine(count, ours, PEER, peerRate));
            }
        }
    }

    /** A contestant and its thread count, or for the limit its pipeline depth. */
    record Config(String impl, int n) {

        String label() {
            return impl + (impl.equals(LIMIT) ? "-P" : "-t") + n;
        }
    }

    /**
     * The payload every contestant sends for event 0, as {@link CanonicalJsonLayout} writes it: logged through a
     * context of the same name on a producer thread, so that it has the same fields as the appenders' payloads.
     */
    static String samplePayload(int contexts) throws InterruptedException {
        LoggerContext context = BenchContexts.create(CONTEXT_NAME);
        try {
            List<ILoggingEvent> seen = new ArrayList<>();
            AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    event.prepareForDeferredProcessing();
                    seen.add(event);
                }
            };
            capture.setContext(context);
            capture.setName("CAPTURE");
            Logger logger = BenchContexts.attach(context, capture);
            Producers.logAll(logger, 1, 1, RedisEventShape.withContexts(contexts));
            CanonicalJsonLayout layout = CanonicalJsonLayout.started(context);
            return layout.doLayout(seen.get(0));
        } finally {
            context.stop();
        }
    }

    static String table(Map<String, List<Result>> results) {
        StringBuilder out = new StringBuilder();
        String format = "%-20s %6s %8s %14s %10s %10s %9s %11s %8s %9s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "config",
                "rounds",
                "events",
                "median ev/s",
                "min",
                "max",
                "cmds/ev",
                "redis us/ev",
                "ev/pipe",
                "payload B"));
        results.forEach((label, runs) -> {
            double[] rates = sortedRates(runs);
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    label,
                    runs.size(),
                    runs.get(0).events(),
                    integer(BenchReport.median(rates)),
                    integer(rates[0]),
                    integer(rates[rates.length - 1]),
                    decimal(runs.stream().mapToDouble(Result::commandsPerEvent)),
                    decimal(runs.stream().mapToDouble(Result::serverMicrosPerEvent)),
                    decimal(runs.stream().mapToDouble(Result::eventsPerBatch)),
                    runs.get(0).payloadBytes()));
        });
        return out.toString();
    }

    private static void pairedRatio(Map<String, List<Result>> results, Config ours, Config theirs) {
        List<Result> a = results.get(ours.label());
        List<Result> b = results.get(theirs.label());
        if (a != null && b != null) {
            System.out.println(BenchReport.pairedRatioLine(ours.label() + "/" + theirs.label(), rates(a), rates(b)));
        }
    }

    private static String benchLine(int threads, double ours, String peer, double theirs) {
        return BenchReport.benchLine("redis-t" + threads, ours, peer, theirs);
    }

    private static Double medianOf(Map<String, List<Result>> results, Config config) {
        List<Result> runs = results.get(config.label());
        return runs == null || runs.isEmpty() ? null : BenchReport.median(sortedRates(runs));
    }

    private static double[] sortedRates(List<Result> runs) {
        return runs.stream().mapToDouble(Result::eventsPerSecond).sorted().toArray();
    }

    private static String decimal(java.util.stream.DoubleStream values) {
        return String.format(Locale.ROOT, "%.2f", values.average().orElse(Double.NaN));
    }

    private static String integer(double value) {
        return BenchReport.integer(value);
    }

    private static double[] rates(List<Result> runs) {
        return runs.stream().mapToDouble(Result::eventsPerSecond).toArray();
    }
}
