package dev.sluice.bench.amqp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.amqp.AmqpAppender;
import dev.sluice.bench.BenchReport;
import dev.sluice.bench.redis.CanonicalJsonLayout;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.EventShape;
import dev.sluice.bench.sqlite.Producers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The AMQP benchmark ({@code scripts/bench amqp}): events per second that RabbitMQ confirmed to the
 * {@code AmqpAppender} end to end ({@link SluiceRun}), one event per message ({@code sluice}) and batched
 * ({@code sluice-batched}, {@code bench.eventsPerMessage} events per message), next to RabbitMQ PerfTest's publisher
 * with the same body size, persistence and confirm window ({@link PerfTestLimit}: the practical limit) and to Spring
 * AMQP's Logback {@code AmqpAppender}, which does not confirm ({@link SpringRun}), in one run, against one broker,
 * one contestant at a time. Every contestant sends the SQLite benchmark's events ({@link EventShape}) as Sluice's
 * canonical JSON (PerfTest: a body of the JSON's mean size), persistent, to durable queues with LogHive's arguments;
 * every count is checked with the broker.
 *
 * <p>The contestants run in rounds whose order rotates, so that a noisy neighbour spreads over all of them; the
 * warm-up rounds are the same and are not counted. Each configuration reports the median of its rounds; the BENCH
 * lines compare medians:
 *
 * <pre>
 * BENCH amqp-t&lt;threads&gt; ours=&lt;sluice events/s&gt; perftest=&lt;messages/s&gt; ratio=&lt;ours/perftest&gt;
 * BENCH amqp-t&lt;threads&gt; ours=&lt;sluice events/s&gt; spring=&lt;events/s&gt; ratio=&lt;ours/spring&gt;
 * BENCH amqp-batched-t&lt;threads&gt; ours=&lt;sluice-batched events/s&gt; perftest=&lt;messages/s&gt; ratio=...
 * </pre>
 *
 * <p>PerfTest has one producer, so every {@code t<threads>} line compares with the same limit. The goals: per message
 * at least 0.9 times PerfTest, batched at least 5 times PerfTest's message rate in events per second, at least as
 * fast as Spring while confirming. System properties override the defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Property</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code bench.uri}</td><td>{@code amqp://guest:guest@127.0.0.1:5672/%2F}</td><td>the broker</td></tr>
 *   <tr><td>{@code bench.events}</td><td>100000</td><td>events per Sluice run, messages per PerfTest run</td></tr>
 *   <tr><td>{@code bench.peerEvents}</td><td>100000</td><td>events per Spring run</td></tr>
 *   <tr><td>{@code bench.warmup}</td><td>1</td><td>warm-up rounds</td></tr>
 *   <tr><td>{@code bench.rounds}</td><td>3</td><td>measured rounds</td></tr>
 *   <tr><td>{@code bench.threads}</td><td>1,4</td><td>producer thread counts</td></tr>
 *   <tr><td>{@code bench.impl}</td><td>sluice,sluice-batched,perftest,spring</td><td>which contestants run</td></tr>
 *   <tr><td>{@code bench.eventsPerMessage}</td><td>100</td><td>{@code eventsPerMessage} of {@code sluice-batched}</td></tr>
 *   <tr><td>{@code bench.confirmWindow}</td><td>256</td><td>the appender's {@code confirmWindow} and PerfTest's
 *       {@code -c}</td></tr>
 *   <tr><td>{@code bench.mandatory}</td><td>true</td><td>the appender's {@code mandatory}, and PerfTest's
 *       {@code -f mandatory}</td></tr>
 *   <tr><td>{@code bench.channels}</td><td>1</td><td>the appender's {@code channels}, and PerfTest's producers
 *       ({@code -x}), each with the confirm window; above 1, the BENCH names say {@code -c<channels>}</td></tr>
 *   <tr><td>{@code bench.batchSize}</td><td>the appender's (2048)</td><td>the appender's {@code batchSize}</td></tr>
 * </table>
 */
public final class AmqpBench {

    /** The name of every contestant's Logback context, and so the {@code service} of every event and of Sluice's queues. */
    static final String CONTEXT_NAME = "amqp-bench";

    /** The exchange Sluice declares by default; Spring's appender publishes to it too. */
    static final String EXCHANGE = AmqpAppender.DEFAULT_EXCHANGE;

    /** A count that does not move for this long has stopped: the contestant lost the rest. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final String SLUICE = "sluice";
    private static final String BATCHED = "sluice-batched";
    private static final String LIMIT = "perftest";
    private static final String PEER = "spring";
    private static final List<String> IMPLS = List.of(SLUICE, BATCHED, LIMIT, PEER);
    private static final int SAMPLE_EVENTS = 1000;

    private AmqpBench() {}

    /** The appender's settings of one run. */
    record SluiceSettings(int eventsPerMessage, boolean mandatory, int channels, int confirmWindow, int batchSize) {}

    public static void main(String[] args) throws Exception {
        String uri = System.getProperty("bench.uri", AmqpAppender.DEFAULT_URI);
        int events = BenchReport.intSetting("bench.events", 100_000);
        int peerEvents = BenchReport.intSetting("bench.peerEvents", 100_000);
        int warmup = BenchReport.intSetting("bench.warmup", 1);
        int rounds = BenchReport.intSetting("bench.rounds", 3);
        int eventsPerMessage = BenchReport.intSetting("bench.eventsPerMessage", 100);
        int confirmWindow = BenchReport.intSetting("bench.confirmWindow", AmqpAppender.DEFAULT_CONFIRM_WINDOW);
        int batchSize = BenchReport.intSetting("bench.batchSize", 0);
        int channels = BenchReport.intSetting("bench.channels", AmqpAppender.DEFAULT_CHANNELS);
        boolean mandatory = Boolean.parseBoolean(System.getProperty("bench.mandatory", "true"));
        List<Integer> threads = BenchReport.intList("bench.threads", "1,4");
        Set<String> impls = Set.copyOf(BenchReport.list("bench.impl", String.join(",", IMPLS)));
        if (events < 1
                || peerEvents < 1
                || rounds < 1
                || warmup < 0
                || eventsPerMessage < 2
                || confirmWindow < 1
                || channels < 1
                || events % channels != 0) {
            throw new IllegalArgumentException("bench.events, bench.peerEvents, bench.rounds, bench.channels and"
                    + " bench.confirmWindow must be at least 1, bench.eventsPerMessage at least 2, bench.warmup at"
                    + " least 0, and bench.events a multiple of bench.channels");
        }
        if (threads.isEmpty()) {
            throw new IllegalArgumentException("bench.threads must list counts of at least 1");
        }
        if (!IMPLS.containsAll(impls)) {
            throw new IllegalArgumentException("bench.impl may list " + IMPLS + ", was " + impls);
        }
        // The clients (amqp-client, PerfTest, Spring) log to the default context, which has no configuration.
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .setLevel(Level.WARN);
        System.out.printf(
                Locale.ROOT,
                "# events=%d peerEvents=%d warmup=%d rounds=%d threads=%s impl=%s eventsPerMessage=%d"
                        + " mandatory=%s channels=%d confirmWindow=%d batchSize=%s%n",
                events,
                peerEvents,
                warmup,
                rounds,
                threads,
                impls,
                eventsPerMessage,
                mandatory,
                channels,
                confirmWindow,
                batchSize > 0 ? Integer.toString(batchSize) : "default");

        List<Config> configs = new ArrayList<>();
        for (String impl : IMPLS) {
            if (impls.contains(impl)) {
                for (int n : impl.equals(LIMIT) ? List.of(channels) : threads) {
                    configs.add(new Config(impl, n));
                }
            }
        }
        Map<String, List<Result>> results = new LinkedHashMap<>(); // in the order of configs, not of the first round
        configs.forEach(config -> results.put(config.label(), new ArrayList<>()));
        int bodyBytes = meanBodyBytes();
        try (Broker broker = Broker.connect(uri)) {
            System.out.printf(
                    Locale.ROOT,
                    "# broker: RabbitMQ %s at %s; one contestant at a time%n",
                    broker.version(),
                    uri.replaceAll("//[^@/]*@", "//"));
            System.out.printf(
                    Locale.ROOT,
                    "# body: Sluice's JSON of the first %d events is %d bytes on average; PerfTest sends -s %d%n",
                    SAMPLE_EVENTS,
                    bodyBytes,
                    bodyBytes);
            System.out.println("# sluice: timed to the last confirm (appender's delivered count), then checked with the"
                    + " broker; perftest, spring: timed until the broker's queues hold every message");
            for (int round = 0; round < warmup + rounds; round++) {
                boolean measured = round >= warmup;
                StringBuilder line = new StringBuilder(measured ? "# round " + (round - warmup + 1) : "# warm-up");
                for (int k = 0; k < configs.size(); k++) {
                    Config config = configs.get((round + k) % configs.size());
                    System.gc();
                    Result result = switch (config.impl()) {
                        case SLUICE ->
                            SluiceRun.run(
                                    broker,
                                    events,
                                    config.n(),
                                    new SluiceSettings(1, mandatory, channels, confirmWindow, batchSize));
                        case BATCHED ->
                            SluiceRun.run(
                                    broker,
                                    events,
                                    config.n(),
                                    new SluiceSettings(
                                            eventsPerMessage, mandatory, channels, confirmWindow, batchSize));
                        case PEER -> SpringRun.run(broker, peerEvents, config.n());
                        default ->
                            PerfTestLimit.run(
                                    broker,
                                    new PerfTestLimit.Settings(events, bodyBytes, mandatory, channels, confirmWindow));
                    };
                    line.append(String.format(
                            Locale.ROOT,
                            "  %s %s/s%s",
                            config.label(),
                            BenchReport.integer(result.eventsPerSecond()),
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
        Config limit = new Config(LIMIT, channels);
        String prefix = channels == 1 ? "amqp" : "amqp-c" + channels;
        List<String> benchLines = new ArrayList<>();
        for (int count : threads) {
            Config ours = new Config(SLUICE, count);
            Config batched = new Config(BATCHED, count);
            pairedRatio(results, ours, limit);
            pairedRatio(results, ours, new Config(PEER, count));
            pairedRatio(results, batched, limit);
            benchLine(benchLines, results, prefix + "-t" + count, ours, limit);
            benchLine(benchLines, results, prefix + "-t" + count, ours, new Config(PEER, count));
            benchLine(benchLines, results, prefix + "-batched-t" + count, batched, limit);
        }
        System.out.println(
                "# goals: amqp-t* vs perftest >= 0.9, amqp-t* vs spring >= 1, amqp-batched-t* vs perftest" + " >= 5");
        benchLines.forEach(System.out::println);
    }

    /** A contestant and its thread count (PerfTest: its producers, one per channel of Sluice's). */
    record Config(String impl, int n) {

        String label() {
            return impl.equals(LIMIT) ? LIMIT + "-x" + n : impl + "-t" + n;
        }
    }

    /**
     * The mean size of Sluice's JSON of the first events (as {@link CanonicalJsonLayout} writes it, from a context of
     * the same name on a producer thread): the body size PerfTest sends.
     */
    static int meanBodyBytes() throws InterruptedException {
        LoggerContext context = BenchContexts.create(CONTEXT_NAME);
        try {
            ListAppender<ILoggingEvent> capture = new ListAppender<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    event.prepareForDeferredProcessing(); // the MDC of the producer thread, not of this one
                    super.append(event);
                }
            };
            capture.setContext(context);
            capture.setName("CAPTURE");
            Producers.logAll(BenchContexts.attach(context, capture), SAMPLE_EVENTS, 1, EventShape::log);
            CanonicalJsonLayout layout = CanonicalJsonLayout.started(context);
            double mean = capture.list.stream()
                    .mapToInt(event -> layout.doLayout(event).getBytes(StandardCharsets.UTF_8).length)
                    .average()
                    .orElseThrow();
            return (int) Math.round(mean);
        } finally {
            context.stop();
        }
    }

    static String table(Map<String, List<Result>> results) {
        StringBuilder out = new StringBuilder();
        String format = "%-20s %6s %8s %14s %10s %10s %12s %8s %8s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "config",
                "rounds",
                "events",
                "median ev/s",
                "min",
                "max",
                "median msg/s",
                "ev/msg",
                "body B"));
        results.forEach((label, runs) -> {
            if (runs.isEmpty()) {
                return;
            }
            double[] rates = sorted(runs.stream().mapToDouble(Result::eventsPerSecond));
            double[] messageRates =
                    sorted(runs.stream().mapToDouble(run -> run.eventsPerSecond() / run.eventsPerMessage()));
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    label,
                    runs.size(),
                    runs.get(0).events(),
                    BenchReport.integer(BenchReport.median(rates)),
                    BenchReport.integer(rates[0]),
                    BenchReport.integer(rates[rates.length - 1]),
                    BenchReport.integer(BenchReport.median(messageRates)),
                    BenchReport.decimal(runs.stream()
                            .mapToDouble(Result::eventsPerMessage)
                            .average()
                            .orElse(Double.NaN)),
                    BenchReport.integer(runs.stream()
                            .mapToDouble(Result::bodyBytes)
                            .average()
                            .orElse(Double.NaN))));
        });
        return out.toString();
    }

    private static void pairedRatio(Map<String, List<Result>> results, Config ours, Config theirs) {
        List<Result> a = results.get(ours.label());
        List<Result> b = results.get(theirs.label());
        if (a != null && b != null && !a.isEmpty() && !b.isEmpty()) {
            System.out.println(BenchReport.pairedRatioLine(ours.label() + "/" + theirs.label(), rates(a), rates(b)));
        }
    }

    private static void benchLine(
            List<String> lines, Map<String, List<Result>> results, String name, Config ours, Config theirs) {
        List<Result> a = results.get(ours.label());
        List<Result> b = results.get(theirs.label());
        if (a != null && b != null && !a.isEmpty() && !b.isEmpty()) {
            lines.add(BenchReport.benchLine(
                    name,
                    BenchReport.median(sorted(a.stream().mapToDouble(Result::eventsPerSecond))),
                    theirs.impl(),
                    BenchReport.median(sorted(b.stream().mapToDouble(Result::eventsPerSecond)))));
        }
    }

    private static double[] rates(List<Result> runs) {
        return runs.stream().mapToDouble(Result::eventsPerSecond).toArray();
    }

    private static double[] sorted(java.util.stream.DoubleStream values) {
        return values.sorted().toArray();
    }
}
