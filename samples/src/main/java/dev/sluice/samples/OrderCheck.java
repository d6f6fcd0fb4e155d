package dev.sluice.samples;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the demo's log lines back and checks that each worker's events appear once each, in the order logged.
 *
 * @param lines lines read
 * @param inOrder whether every worker's sequence numbers only went up
 * @param duplicates lines seen more than once
 */
record OrderCheck(int lines, boolean inOrder, int duplicates) {

    private static final Pattern EVENT = Pattern.compile(" - (w\\d+) event (\\d+)$");

    static OrderCheck of(List<String> lines, int workers) {
        int[] next = new int[workers];
        boolean inOrder = true;
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (String line : lines) {
            Matcher matcher = EVENT.matcher(line);
            if (!matcher.find()) {
                inOrder = false;
                continue;
            }
            if (!seen.add(matcher.group(1) + "/" + matcher.group(2))) {
                duplicates++;
            }
            int worker = Integer.parseInt(matcher.group(1).substring(1));
            int seq = Integer.parseInt(matcher.group(2));
            inOrder &= seq == next[worker];
            next[worker] = seq + 1;
        }
        return new OrderCheck(lines.size(), inOrder, duplicates);
    }
}
