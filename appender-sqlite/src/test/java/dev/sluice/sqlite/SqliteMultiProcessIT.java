package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.PATIENCE;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.numbers;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writer processes, started together, each write the same number of events into one file: every event of
 * every writer arrives once, in its writer's order, and no writer drops anything, also when a short busyTimeout turns
 * the lock contention into SQLITE_BUSY failures that are retried.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SqliteMultiProcessIT {

    private static final Duration RUN_LIMIT = Duration.ofMinutes(5);
    private static final int EVENTS = 20_000;

    @TempDir
    Path dir;

    @Test
    void twoProcessesWriteOneFileAndLoseNothing() throws Exception {
        writeConcurrently(2, "5 seconds");
    }

    @Test
    void threeProcessesWithAOneMillisecondBusyTimeoutRetryAndLoseNothing() throws Exception {
        Map<String, Map<String, Long>> stats = writeConcurrently(3, "1 millisecond");
        // Failed opens count as failed attempts too; retries count the writes retried.
        long retries = stats.values().stream().mapToLong(s -> s.get("retries")).sum();
        assertThat(retries)
                .as("writes retried after SQLITE_BUSY, across the writers")
                .isPositive();
    }

    /**
     * Starts the writers, lets them open the file, starts their logging at once, and checks the file and each
     * writer's own counters.
     *
     * @return each writer's final counters, by service name
     */
    private Map<String, Map<String, Long>> writeConcurrently(int writers, String busyTimeout) throws Exception {
        Path db = dir.resolve("shared.db");
        List<ChildJvm> children = new ArrayList<>();
        Map<String, Map<String, Long>> stats = new LinkedHashMap<>();
        try {
            for (int w = 0; w < writers; w++) {
                children.add(ChildJvm.start(
                        dir, "w" + w, "write", db.toString(), "w" + w, String.valueOf(EVENTS), busyTimeout));
            }
            for (ChildJvm child : children) {
                child.awaitLine("READY", line -> true, PATIENCE);
            }
            for (ChildJvm child : children) {
                child.send("GO");
            }
            for (int w = 0; w < writers; w++) {
                ChildJvm child = children.get(w);
                assertThat(child.awaitExit(RUN_LIMIT)).as(child.describe()).isZero();
                stats.put("w" + w, parse(child.last("STATS").orElseThrow(() -> new AssertionError(child.describe()))));
            }
        } finally {
            for (ChildJvm child : children) {
                child.close();
            }
        }
        System.out.println(writers + " writers, busyTimeout " + busyTimeout + ": " + stats);

        stats.forEach((writer, s) -> assertThat(s)
                .as(writer)
                .containsEntry("delivered", (long) EVENTS)
                .containsEntry("dropped", 0L));
        assertThat(strings(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo((long) writers * EVENTS);
        for (String writer : stats.keySet()) {
            assertThat(strings(db, "SELECT message FROM logs WHERE service = '" + writer + "' ORDER BY id"))
                    .as(writer + "'s events, by id")
                    .containsExactlyElementsOf(numbers(EVENTS));
        }
        return stats;
    }

    /** {@code delivered=20000 dropped=0 ...} as a map. */
    private static Map<String, Long> parse(String line) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }
}
