package dev.sluice.bench.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limit: what Redis itself takes from one pipelined connection, measured by {@code redis-benchmark} with the
 * payload Sluice sends. {@code redis-benchmark} repeats one command per run, so PUBLISH and XADD are measured apart,
 * each with {@code -c 1 -P <pipeline>} (one connection, {@code pipeline} commands in flight, as one appender batch):
 *
 * <pre>
 * redis-benchmark -h 127.0.0.1 -p &lt;port&gt; -n &lt;requests&gt; -c 1 -P &lt;pipeline&gt; -q PUBLISH &lt;prefix&gt;:global "$payload"
 * redis-benchmark -h 127.0.0.1 -p &lt;port&gt; -n &lt;requests&gt; -c 1 -P &lt;pipeline&gt; -q XADD stream:&lt;prefix&gt;:global MAXLEN '~' 1000 '*' data "$payload"
 * </pre>
 *
 * <p>An event costs what the appender sends for it: 2 PUBLISH and 2 XADD (its context channel and the global one);
 * the EXPIREs, one per stream key and batch, are left out. One PUBLISH takes {@code 1/publish_rate} seconds and one
 * XADD {@code 1/xadd_rate}, so the event rate of the limit is
 *
 * <pre>
 * events/s = 1 / (2 / publish_rate + 2 / xadd_rate)
 * </pre>
 *
 * <p>Both rates come from {@code redis-benchmark}'s own report; {@code INFO commandstats} checks that Redis executed
 * every request.
 */
final class RedisBenchmarkLimit {

    /** The trimming of the appender's default {@code maxLen}. */
    private static final String MAX_LEN = "1000";

    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");

    private RedisBenchmarkLimit() {}

    /** The event rate of the formula above, from the two command rates. */
    static double eventsPerSecond(double publishRate, double xaddRate) {
        return 1 / (2 / publishRate + 2 / xaddRate);
    }

    static Result run(PrivateRedis redis, String tool, String prefix, String payload, int requests, int pipeline)
            throws IOException, InterruptedException {
        String channel = prefix + ":global";
        Command publish = measure(redis, tool, requests, pipeline, "publish", "PUBLISH", channel, payload);
        Command xadd = measure(
                redis,
                tool,
                requests,
                pipeline,
                "xadd",
                "XADD",
                "stream:" + channel,
                "MAXLEN",
                "~",
                MAX_LEN,
                "*",
                "data",
                payload);
        return new Result(
                requests,
                eventsPerSecond(publish.rate(), xadd.rate()),
                4,
                2 * publish.microsPerCall() + 2 * xadd.microsPerCall(),
                pipeline,
                payload.getBytes(StandardCharsets.UTF_8).length,
                String.format(Locale.ROOT, "(PUBLISH %.0f/s, XADD %.0f/s)", publish.rate(), xadd.rate()));
    }

    /** A command's rate as {@code redis-benchmark} reports it, and Redis's time per call. */
    private record Command(double rate, double microsPerCall) {}

    private static Command measure(
            PrivateRedis redis, String tool, int requests, int pipeline, String name, String... command)
            throws IOException, InterruptedException {
        redis.reset();
        List<String> line = new ArrayList<>(List.of(
                tool,
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(redis.port()),
                "-n",
                Integer.toString(requests),
                "-c",
                "1",
                "-P",
                Integer.toString(pipeline),
                "-q"));
        line.addAll(List.of(command));
        Process process;
        try {
            process = new ProcessBuilder(line).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot run '" + tool + "' (set -Dbench.redisBenchmark=<path>, or install Redis"
                            + " with scripts/services)",
                    e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Matcher m = RATE.matcher(output);
        String rate = null;
        while (m.find()) {
            rate = m.group(1);
        }
        CommandStats stats = redis.commandStats();
        if (exit != 0 || rate == null || stats.calls(name) != requests) {
            throw new IllegalStateException(tool + " " + command[0] + " failed (exit " + exit + ", Redis counted "
                    + stats.calls(name) + " of " + requests + "): " + output.replace('\r', '\n'));
        }
        return new Command(Double.parseDouble(rate), (double) stats.micros(name) / requests);
    }
}
