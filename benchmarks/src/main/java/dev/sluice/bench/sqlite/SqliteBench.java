package dev.sluice.bench.sqlite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SQLite benchmark ({@code scripts/bench sqlite}): committed rows per second of the {@code SqliteAppender} end to
 * end, next to the raw JDBC limit on the same table ({@link JdbcLimit}) and to logback-db's {@code DBAppender}
 * ({@link DbAppenderRun}), in one run on one machine, with one event shape ({@link EventShape}). Every run writes a
 * fresh database file in a scratch directory that is deleted at the end.
 *
 * <p>Sluice and the JDBC limit run in rounds: each round runs the limit once and Sluice once per thread count, in
 * an order that rotates from round to round, so that a noisy neighbour spreads over all of them. The warm-up rounds
 * are the same and are not counted. The DBAppender, about a thousand times slower, runs afterwards with fewer
 * events. Each configuration reports the median of its rounds; the BENCH lines compare medians:
 *
 * <pre>
 * BENCH sqlite-t&lt;threads&gt; ours=&lt;rows/s&gt; jdbc=&lt;rows/s&gt; ratio=&lt;ours/jdbc&gt;
 * BENCH sqlite-t&lt;threads&gt; ours=&lt;rows/s&gt; dbappender=&lt;rows/s&gt; ratio=&lt;ours/dbappender&gt;
 * </pre>
 *
 * <p>Before the BENCH lines, a comment line per thread count gives Sluice's rate over the limit's within each round,
 * and their median, which a load that comes and goes disturbs less.
 *
 * <p>The JDBC limit is single-threaded (SQLite has one writer), so every {@code t<threads>} line compares with the
 * same limit. System properties override the defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Property</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code bench.events}</td><td>200000</td><td>events per Sluice and JDBC run</td></tr>
 *   <tr><td>{@code bench.warmup}</td><td>2</td><td>warm-up rounds of Sluice and JDBC</td></tr>
 *   <tr><td>{@code bench.rounds}</td><td>5</td><td>measured rounds of Sluice and JDBC</td></tr>
 *   <tr><td>{@code bench.threads}</td><td>1,4</td><td>producer thread counts</td></tr>
 *   <tr><td>{@code bench.dbEvents}</td><td>2000</td><td>events per DBAppender run (about 4 s each)</td></tr>
 *   <tr><td>{@code bench.dbWarmup}</td><td>1</td><td>DBAppender warm-up runs per thread count, of 200 events</td></tr>
 *   <tr><td>{@code bench.dbRounds}</td><td>3</td><td>measured DBAppender runs per thread count</td></tr>
 *   <tr><td>{@code bench.impl}</td><td>sluice,jdbc,dbappender</td><td>which contestants run</td></tr>
 *   <tr><td>{@code bench.dir}</td><td>{@code java.io.tmpdir}</td><td>where the scratch directory is made</td></tr>
 * </table>
 */
public final class SqliteBench {

    private static final String SLUICE = "sluice";
    private static final String JDBC = "jdbc";
    private static final String DBAPPENDER = "dbappender";
    private static final List<String> IMPLS = List.of(SLUICE, JDBC, DBAPPENDER);
    private static final int DB_WARMUP_EVENTS = 200;

    private SqliteBench() {}

    public static void main(String[] args) throws Exception {
        int events = intProperty("bench.events", 200_000);
        int warmup = intProperty("bench.warmup", 2);
        int rounds = intProperty("bench.rounds", 5);
        List<Integer> threads = listProperty("bench.threads", "1,4").stream()
                .map(Integer::valueOf)
                .toList();
        int dbEvents = intProperty("bench.dbEvents", 2_000);
        int dbWarmup = intProperty("bench.dbWarmup", 1);
        int dbRounds = intProperty("bench.dbRounds", 3);
        Set<String> impls = Set.copyOf(listProperty("bench.impl", String.join(",", IMPLS)));
        Path parent = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        if (events < 1 || rounds < 1 || dbEvents < 1 || dbRounds < 1 || warmup < 0 || dbWarmup < 0) {
            throw new IllegalArgumentException("bench.events, bench.rounds, bench.dbEvents and bench.dbRounds must be"
                    + " at least 1, the warm-ups at least 0");
        }
        if (threads.isEmpty() || threads.stream().anyMatch(count -> count < 1)) {
            throw new IllegalArgumentException("bench.threads must list thread counts of at least 1, was " + threads);
        }
        if (!IMPLS.containsAll(impls)) {
            throw new IllegalArgumentException("bench.impl may list " + IMPLS + ", was " + impls);
        }
        System.out.printf(
                Locale.ROOT,
                "# events=%d warmup=%d rounds=%d threads=%s dbEvents=%d dbWarmup=%d dbRounds=%d impl=%s%n",
                events,
                warmup,
                rounds,
                threads,
                dbEvents,
                dbWarmup,
                dbRounds,
                impls);

        Map<String, List<Measurement>> results = new LinkedHashMap<>();
        List<Config> configs = new ArrayList<>();
        if (impls.contains(JDBC)) {
            configs.add(new Config(JDBC, 1));
        }
        if (impls.contains(SLUICE)) {
            threads.forEach(count -> configs.add(new Config(SLUICE, count)));
        }
        try (BenchFiles files = new BenchFiles(parent)) {
            System.out.println("# scratch directory " + files.dir());
            JdbcLimit.Row[] rows = impls.contains(JDBC) ? JdbcLimit.prebuild(events) : null;
            for (int round = 0; round < warmup + rounds; round++) {
                boolean measured = round >= warmup;
                StringBuilder line = new StringBuilder(measured ? "# round " + (round - warmup + 1) : "# warm-up");
                for (int k = 0; k < configs.size(); k++) {
                    Config config = configs.get((round + k) % configs.size());
                    Path db = files.fresh(config.label());
                    System.gc();
                    Measurement result = config.impl().equals(JDBC)
                            ? JdbcLimit.run(db, rows)
                            : SluiceRun.run(db, events, config.threads());
                    BenchFiles.delete(db);
                    line.append(String.format(
                            Locale.ROOT, "  %s %s rows/s", config.label(), integer(result.rowsPerSecond())));
                    if (measured) {
                        results.computeIfAbsent(config.label(), label -> new ArrayList<>())
                                .add(result);
                    }
                }
                if (!configs.isEmpty()) {
                    System.out.println(line);
                }
            }
            if (impls.contains(DBAPPENDER)) {
                for (int count : threads) {
                    Config config = new Config(DBAPPENDER, count);
                    for (int round = 0; round < dbWarmup + dbRounds; round++) {
                        boolean measured = round >= dbWarmup;
                        Path db = files.fresh(config.label());
                        System.gc();
                        Measurement result = DbAppenderRun.run(
                                db, measured ? dbEvents : Math.min(dbEvents, DB_WARMUP_EVENTS), count);
                        BenchFiles.delete(db);
                        System.out.printf(
                                Locale.ROOT,
                                "# %s %s: %s rows/s%n",
                                measured ? "round " + (round - dbWarmup + 1) : "warm-up",
                                config.label(),
                                integer(result.rowsPerSecond()));
                        if (measured) {
                            results.computeIfAbsent(config.label(), label -> new ArrayList<>())
                                    .add(result);
                        }
                    }
                }
            }
        }

        System.out.println();
        System.out.print(table(results));
        for (String line : pairedRatios(results, threads)) {
            System.out.println(line);
        }
        for (String line : benchLines(results, threads)) {
            System.out.println(line);
        }
    }

    /** A contestant at a thread count. */
    record Config(String impl, int threads) {

        String label() {
            return impl + "-t" + threads;
        }
    }

    static String table(Map<String, List<Measurement>> results) {
        StringBuilder out = new StringBuilder();
        String format = "%-14s %6s %8s %14s %12s %12s %10s%n";
        out.append(String.format(
                Locale.ROOT, format, "config", "rounds", "rows", "median rows/s", "min", "max", "rows/tx"));
        results.forEach((label, runs) -> {
            double[] rates = runs.stream()
                    .mapToDouble(Measurement::rowsPerSecond)
                    .sorted()
                    .toArray();
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    label,
                    runs.size(),
                    runs.get(0).rows(),
                    integer(median(rates)),
                    integer(rates[0]),
                    integer(rates[rates.length - 1]),
                    String.format(
                            Locale.ROOT,
                            "%.1f",
                            runs.stream()
                                    .mapToDouble(Measurement::rowsPerTransaction)
                                    .average()
                                    .orElse(Double.NaN))));
        });
        return out.toString();
    }

    static List<String> benchLines(Map<String, List<Measurement>> results, List<Integer> threads) {
        List<String> lines = new ArrayList<>();
        for (int count : threads) {
            Double ours = medianOf(results, new Config(SLUICE, count).label());
            if (ours == null) {
                continue;
            }
            Double jdbc = medianOf(results, new Config(JDBC, 1).label());
            Double dbAppender = medianOf(results, new Config(DBAPPENDER, count).label());
            if (jdbc != null) {
                lines.add(benchLine(count, ours, JDBC, jdbc));
            }
            if (dbAppender != null) {
                lines.add(benchLine(count, ours, DBAPPENDER, dbAppender));
            }
        }
        return lines;
    }

    /**
     * Sluice's rate over the limit's within each round, which a load that comes and goes disturbs less than the
     * ratio of medians: a comment line per thread count, beside (not instead of) the BENCH lines.
     */
    static List<String> pairedRatios(Map<String, List<Measurement>> results, List<Integer> threads) {
        List<String> lines = new ArrayList<>();
        List<Measurement> limit = results.get(new Config(JDBC, 1).label());
        for (int count : threads) {
            List<Measurement> ours = results.get(new Config(SLUICE, count).label());
            if (limit == null || ours == null) {
                continue;
            }
            double[] ratios = new double[Math.min(limit.size(), ours.size())];
            StringBuilder line = new StringBuilder("# per-round sluice-t" + count + "/jdbc:");
            for (int round = 0; round < ratios.length; round++) {
                ratios[round] =
                        ours.get(round).rowsPerSecond() / limit.get(round).rowsPerSecond();
                line.append(String.format(Locale.ROOT, " %.2f", ratios[round]));
            }
            Arrays.sort(ratios);
            lines.add(line.append(String.format(Locale.ROOT, " (median %.2f)", median(ratios)))
                    .toString());
        }
        return lines;
    }

    private static String benchLine(int threads, double ours, String peer, double theirs) {
        String ratio = theirs > 0 ? String.format(Locale.ROOT, "%.2f", ours / theirs) : "inf";
        return "BENCH sqlite-t" + threads + " ours=" + integer(ours) + " " + peer + "=" + integer(theirs) + " ratio="
                + ratio;
    }

    private static Double medianOf(Map<String, List<Measurement>> results, String label) {
        List<Measurement> runs = results.get(label);
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        return median(
                runs.stream().mapToDouble(Measurement::rowsPerSecond).sorted().toArray());
    }

    /** The median of sorted values. */
    public static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int intProperty(String name, int defaultValue) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
    }

    private static List<String> listProperty(String name, String defaultValue) {
        return Arrays.stream(System.getProperty(name, defaultValue).split(","))
                .map(String::trim)
                .filter(text -> !text.isEmpty())
                .toList();
    }

    private static String integer(double value) {
        return Double.isNaN(value) ? "NaN" : Long.toString(Math.round(value));
    }
}
