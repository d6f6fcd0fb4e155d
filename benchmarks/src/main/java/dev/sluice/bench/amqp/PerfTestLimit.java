package dev.sluice.bench.amqp;

import com.rabbitmq.perf.PerfTest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The practical limit: RabbitMQ PerfTest ({@code com.rabbitmq:perf-test}, run in this JVM through
 * {@link PerfTest#main(String[], PerfTest.PerfTestOptions)}) with one producer per channel of Sluice's (one by default)
 * and no consumer, publishing {@code count} persistent messages of Sluice's mean body size, mandatory if Sluice's are,
 * with the same confirm window per producer, to a durable queue of its own with LogHive's arguments:
 *
 * <pre>
 * -x &lt;producers&gt; -y 0 -s &lt;size&gt; -f persistent [-f mandatory] -c &lt;window&gt; -C &lt;count/producers&gt;
 * -e perf.logs -t direct -k perfsvc.info -u perfsvc_info_logs -ad false
 * -qa x-message-ttl=604800000,x-max-length=1000000
 * </pre>
 *
 * <p>The clock runs from PerfTest's "starting producer #0, channel #0" line on {@code System.out}, which the run
 * captures (its connection and queue are set up by then), until the queue holds every message (the broker's count, asked every 2 ms). The round line also shows
 * PerfTest's own "sending rate avg". The queue is deleted before and after the run.
 */
final class PerfTestLimit {

    static final String QUEUE = "perfsvc_info_logs";
    private static final Pattern SENDING_RATE = Pattern.compile("sending rate avg: (\\d+) msg/s");

    private PerfTestLimit() {}

    /** What PerfTest publishes: {@code count} messages in all, over {@code producers} (a divisor of it). */
    record Settings(long count, int bodyBytes, boolean mandatory, int producers, int confirmWindow) {}

    static Result run(Broker broker, Settings settings) throws Exception {
        long count = settings.count();
        List<String> queue = List.of(QUEUE);
        broker.deleteQueues(queue);
        TimedLines out = new TimedLines();
        TimedLines err = new TimedLines();
        List<String> args = new ArrayList<>(List.of(
                "-h", broker.uri(),
                "-x", Integer.toString(settings.producers()),
                "-y", "0",
                "-s", Integer.toString(settings.bodyBytes()),
                "-f", "persistent",
                "-c", Integer.toString(settings.confirmWindow()),
                "-C", Long.toString(count / settings.producers()),
                "-e", "perf.logs",
                "-t", "direct",
                "-k", "perfsvc.info",
                "-u", QUEUE,
                "-ad", "false",
                "-qa", "x-message-ttl=604800000,x-max-length=1000000",
                "--id", "amqp-bench"));
        if (settings.mandatory()) {
            args.addAll(List.of("-f", "mandatory"));
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Integer> exit = new AtomicReference<>();
        PerfTest.PerfTestOptions options = new PerfTest.PerfTestOptions()
                .setSystemExiter(exit::set)
                .setSkipSslContextConfiguration(true)
                .setArgumentLookup(name -> null) // no PerfTest settings from environment variables
                .setConsoleOut(new PrintStream(out, true, StandardCharsets.UTF_8))
                .setConsoleErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Thread perfTest = new Thread(
                () -> {
                    try {
                        PerfTest.main(args.toArray(String[]::new), options);
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "perf-test");
        PrintStream stdout = System.out; // PerfTest prints its "starting producer" lines there
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            perfTest.start();
            Broker.Arrival arrival = Broker.awaitCount(() -> broker.depth(queue), count, AmqpBench.STALL_NANOS);
            perfTest.join();
            System.setOut(stdout);
            Long start = out.timeOf("starting producer #0, channel #0");
            if (failure.get() != null || start == null || arrival.count() != count) {
                throw new IllegalStateException(
                        "PerfTest did not publish " + count + " messages (queue holds "
                                + arrival.count() + ", exit " + exit.get() + "): " + String.join("\n  ", out.lines())
                                + "\n  "
                                + String.join("\n  ", err.lines()),
                        failure.get());
            }
            byte[] first = broker.peek(QUEUE);
            return new Result(
                    count,
                    Result.perSecond(count, arrival.nanoTime() - start),
                    count,
                    first == null ? Double.NaN : first.length,
                    "(PerfTest: " + out.find(SENDING_RATE) + " msg/s)");
        } finally {
            perfTest.join();
            System.setOut(stdout);
            broker.deleteQueues(queue);
        }
    }

    /** PerfTest's console, line by line, with the {@link System#nanoTime()} at which each line was complete. */
    private static final class TimedLines extends OutputStream {

        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                times.add(System.nanoTime());
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        /** When the first line that contains {@code text} was written; null if none was. */
        synchronized Long timeOf(String text) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return times.get(i);
                }
            }
            return null;
        }

        /** The first group of the first line that matches; "?" if none does. */
        synchronized String find(Pattern pattern) {
            for (String text : lines) {
                Matcher matcher = pattern.matcher(text);
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            return "?";
        }
    }
}
