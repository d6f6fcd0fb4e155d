package dev.sluice.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the end-to-end benchmarks share: their {@code -Dbench.*} settings, and the numbers and lines they print (the
 * medians, the per-round ratios and the {@code BENCH} lines).
 */
public final class BenchReport {

    private BenchReport() {}

    /** The integer system property {@code name}, or {@code defaultValue} when it is not set or blank. */
    public static int intSetting(String name, int defaultValue) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? defaultValue : Integer.parseInt(value);
    }

    /** The comma-separated items of the system property {@code name} (or of {@code defaultValue}), trimmed. */
    public static List<String> list(String name, String defaultValue) {
        return Arrays.stream(System.getProperty(name, defaultValue).split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    /** A list of counts of at least 1, such as thread counts. */
    public static List<Integer> intList(String name, String defaultValue) {
        List<Integer> values =
                list(name, defaultValue).stream().map(Integer::valueOf).toList();
        if (values.stream().anyMatch(value -> value < 1)) {
            throw new IllegalArgumentException(name + " must list counts of at least 1, was " + values);
        }
        return values;
    }

    /** The median of sorted values. */
    public static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Ours over theirs within each round, which a load that comes and goes disturbs less than the ratio of medians:
     * a comment line beside (not instead of) the BENCH lines.
     */
    public static String pairedRatioLine(String label, double[] ours, double[] theirs) {
        double[] ratios = new double[Math.min(ours.length, theirs.length)];
        StringBuilder line = new StringBuilder("# per-round " + label + ":");
        for (int round = 0; round < ratios.length; round++) {
            ratios[round] = ours[round] / theirs[round];
            line.append(String.format(Locale.ROOT, " %.2f", ratios[round]));
        }
        Arrays.sort(ratios);
        return line.append(String.format(Locale.ROOT, " (median %.2f)", median(ratios)))
                .toString();
    }

    /** {@code BENCH <name> ours=<events/s> <peer>=<events/s> ratio=<ours/peer>}. */
    public static String benchLine(String name, double ours, String peer, double theirs) {
        String ratio = theirs > 0 ? String.format(Locale.ROOT, "%.2f", ours / theirs) : "inf";
        return "BENCH " + name + " ours=" + integer(ours) + " " + peer + "=" + integer(theirs) + " ratio=" + ratio;
    }

    /** A rate or count rounded to an integer, or {@code NaN}. */
    public static String integer(double value) {
        return Double.isNaN(value) ? "NaN" : Long.toString(Math.round(value));
    }

    /** A value with two decimals. */
    public static String decimal(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
