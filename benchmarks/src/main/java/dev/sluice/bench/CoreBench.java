package dev.sluice.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link AsyncCoreComparisonBenchmark} through the JMH Runner API with settings sized for a small machine,
 * prints a table of calls/s and delivered events/s for each cell, then one line per comparison of Sluice with a
 * peer:
 *
 * <pre>BENCH core-&lt;child&gt;-&lt;mode&gt;-t&lt;threads&gt; ours=&lt;events/s&gt; &lt;peer&gt;=&lt;events/s&gt; ratio=&lt;ours/peer&gt;</pre>
 *
 * <p>Both numbers are delivered events per second. System properties override the defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Property</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code bench.forks}</td><td>1</td><td>JVM forks per cell</td></tr>
 *   <tr><td>{@code bench.warmupIterations}</td><td>2</td><td>warm-up iterations</td></tr>
 *   <tr><td>{@code bench.warmupTime}</td><td>1</td><td>seconds per warm-up iteration</td></tr>
 *   <tr><td>{@code bench.iterations}</td><td>3</td><td>measurement iterations</td></tr>
 *   <tr><td>{@code bench.time}</td><td>2</td><td>seconds per measurement iteration</td></tr>
 *   <tr><td>{@code bench.threads}</td><td>1,2</td><td>caller thread counts (1 and/or 2)</td></tr>
 *   <tr><td>{@code bench.impl}, {@code bench.child}, {@code bench.mode}</td><td>all</td>
 *       <td>comma-separated subsets of the benchmark's parameters</td></tr>
 *   <tr><td>{@code bench.jvmArgs}</td><td>-Xms1g -Xmx1g</td><td>arguments of each forked JVM</td></tr>
 *   <tr><td>{@code bench.prof}</td><td>none</td><td>a JMH profiler with its options, e.g. {@code gc} or {@code stack:lines=3}</td></tr>
 *   <tr><td>{@code bench.result}</td><td>none</td><td>write JMH's JSON results to this file</td></tr>
 *   <tr><td>{@code bench.verbosity}</td><td>NORMAL</td><td>JMH output: SILENT, NORMAL or EXTRA</td></tr>
 * </table>
 */
public final class CoreBench {

    private static final String OURS = "sluice";
    private static final List<String> PEERS = List.of("logback", "lle");
    private static final List<String> IMPLS = List.of("sluice", "logback", "lle");
    private static final List<String> CHILDREN = List.of("noop", "slow");
    private static final List<String> MODES = List.of("drop", "block");

    private CoreBench() {}

    public static void main(String[] args) throws RunnerException {
        List<Integer> threads = Arrays.stream(
                        System.getProperty("bench.threads", "1,2").split(","))
                .map(String::trim)
                .filter(text -> !text.isEmpty())
                .map(Integer::valueOf)
                .toList();
        for (int count : threads) {
            if (count != 1 && count != 2) {
                throw new IllegalArgumentException("bench.threads may list 1 and 2 only, was " + threads);
            }
        }
        String methods = threads.stream().map(count -> "t" + count).collect(Collectors.joining("|"));

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(AsyncCoreComparisonBenchmark.class.getName()) + "\\.(" + methods + ")$")
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .forks(intProperty("bench.forks", 1))
                .warmupIterations(intProperty("bench.warmupIterations", 2))
                .warmupTime(TimeValue.seconds(intProperty("bench.warmupTime", 1)))
                .measurementIterations(intProperty("bench.iterations", 3))
                .measurementTime(TimeValue.seconds(intProperty("bench.time", 2)))
                .jvmArgsAppend(System.getProperty("bench.jvmArgs", "-Xms1g -Xmx1g")
                        .trim()
                        .split("\\s+"))
                .verbosity(VerboseMode.valueOf(
                        System.getProperty("bench.verbosity", "NORMAL").toUpperCase(Locale.ROOT)));
        subset(options, "impl", IMPLS);
        subset(options, "child", CHILDREN);
        subset(options, "mode", MODES);
        String profiler = System.getProperty("bench.prof");
        if (profiler != null && !profiler.isBlank()) {
            // As on JMH's command line: name[:options], e.g. gc, stack:lines=3, jfr:configName=my.jfc
            String[] nameAndOptions = profiler.trim().split(":", 2);
            if (nameAndOptions.length == 2) {
                options.addProfiler(nameAndOptions[0], nameAndOptions[1]);
            } else {
                options.addProfiler(nameAndOptions[0]);
            }
        }
        String resultFile = System.getProperty("bench.result");
        if (resultFile != null && !resultFile.isBlank()) {
            options.result(resultFile.trim()).resultFormat(ResultFormatType.JSON);
        }

        Collection<RunResult> results = new Runner(options.build()).run();
        List<Row> rows = results.stream().map(Row::of).sorted(Row.ORDER).toList();
        System.out.println();
        System.out.println(table(rows));
        for (String line : benchLines(rows)) {
            System.out.println(line);
        }
    }

    private static void subset(ChainedOptionsBuilder options, String param, List<String> all) {
        String wanted = System.getProperty("bench." + param);
        if (wanted == null || wanted.isBlank()) {
            return;
        }
        String[] values = Arrays.stream(wanted.split(",")).map(String::trim).toArray(String[]::new);
        for (String value : values) {
            if (!all.contains(value)) {
                throw new IllegalArgumentException("bench." + param + " may list " + all + ", was " + wanted);
            }
        }
        options.param(param, values);
    }

    private static int intProperty(String name, int defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
    }

    /** One cell of the table: an implementation at one child, mode and thread count. */
    record Row(
            String impl,
            String child,
            String mode,
            int threads,
            double calls,
            double callsError,
            double delivered,
            double deliveredError) {

        static final Comparator<Row> ORDER = Comparator.comparingInt((Row row) -> CHILDREN.indexOf(row.child))
                .thenComparingInt(row -> MODES.indexOf(row.mode))
                .thenComparingInt(Row::threads)
                .thenComparingInt(row -> IMPLS.indexOf(row.impl));

        static Row of(RunResult result) {
            BenchmarkParams params = result.getParams();
            Result<?> primary = result.getPrimaryResult();
            Result<?> delivered = result.getSecondaryResults().get("delivered");
            if (delivered == null) {
                throw new IllegalStateException("no delivered counter in " + params.getBenchmark());
            }
            return new Row(
                    params.getParam("impl"),
                    params.getParam("child"),
                    params.getParam("mode"),
                    params.getThreads(),
                    primary.getScore(),
                    primary.getScoreError(),
                    delivered.getScore(),
                    delivered.getScoreError());
        }

        String cell() {
            return "core-" + child + "-" + mode + "-t" + threads;
        }
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        String format = "%-8s %-5s %-6s %7s %14s %12s %14s %12s %10s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "impl",
                "child",
                "mode",
                "threads",
                "calls/s",
                "± (99.9%)",
                "delivered/s",
                "± (99.9%)",
                "deliv/call"));
        for (Row row : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    row.impl(),
                    row.child(),
                    row.mode(),
                    row.threads(),
                    integer(row.calls()),
                    integer(row.callsError()),
                    integer(row.delivered()),
                    integer(row.deliveredError()),
                    row.calls() > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * row.delivered() / row.calls()) : "-"));
        }
        return out.toString();
    }

    static List<String> benchLines(List<Row> rows) {
        Map<String, Map<String, Row>> byCell = new HashMap<>();
        List<String> cells = new ArrayList<>();
        for (Row row : rows) {
            byCell.computeIfAbsent(row.cell(), cell -> {
                        cells.add(cell);
                        return new HashMap<>();
                    })
                    .put(row.impl(), row);
        }
        List<String> lines = new ArrayList<>();
        for (String cell : cells) {
            Row ours = byCell.get(cell).get(OURS);
            if (ours == null) {
                continue;
            }
            for (String peer : PEERS) {
                Row theirs = byCell.get(cell).get(peer);
                if (theirs == null) {
                    continue;
                }
                String ratio = theirs.delivered() > 0
                        ? String.format(Locale.ROOT, "%.2f", ours.delivered() / theirs.delivered())
                        : "inf";
                lines.add("BENCH " + cell + " ours=" + integer(ours.delivered()) + " " + peer + "="
                        + integer(theirs.delivered()) + " ratio=" + ratio);
            }
        }
        return lines;
    }

    private static String integer(double value) {
        return Double.isNaN(value) ? "NaN" : Long.toString(Math.round(value));
    }
}
