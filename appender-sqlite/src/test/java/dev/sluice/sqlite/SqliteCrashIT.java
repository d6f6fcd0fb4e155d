package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.PATIENCE;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.numbers;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.sluice.testing.LogbackTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with SIGKILL in the middle of logging: the file is intact, holds at least every event the
 * writer counted as delivered (counted after the commit), and holds exactly the first events in order, with no gap
 * and no duplicate; a new writer then carries on with the file.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqliteCrashIT {

    private static final long DELIVERED_BEFORE_KILL = 20_000;

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesAnIntactFileWithEveryDeliveredEventAsAGaplessPrefix() throws Exception {
        Path db = dir.resolve("crash.db");
        long delivered = writeUntilKilled(db);
        Path wal = Path.of(db + "-wal");
        assertThat(wal)
                .as("the killed writer never closed the file: its WAL is left to recover")
                .isNotEmptyFile();

        assertThat(strings(db, "PRAGMA integrity_check")).containsExactly("ok");
        long rows = count(db, "SELECT count(*) FROM logs");
        System.out.println(
                "crash: delivered count last printed before SIGKILL=" + delivered + ", rows in the file=" + rows);
        assertThat(rows).isGreaterThanOrEqualTo(delivered);
        assertGaplessPrefix(db, rows);
    }

    @Test
    void aNewWriterCarriesOnWithTheFileAfterTheCrash() throws Exception {
        Path db = dir.resolve("crash-then-reopen.db");
        writeUntilKilled(db);
        long rows = count(db, "SELECT count(*) FROM logs");

        try (LogbackTestContext logback = new LogbackTestContext("after-crash")) {
            SqliteAppender appender = SqliteTestSupport.configure(logback, db, "");
            Logger logger = logback.logger("after");
            for (int i = 0; i < 100; i++) {
                logger.info("after {}", i);
            }
            logback.close();
            assertThat(appender.getStats().getDelivered()).isEqualTo(100);
            assertThat(appender.getStats().getDropped()).isZero();
        }
        assertThat(strings(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(rows + 100);
        assertThat(strings(db, "SELECT message FROM logs WHERE logger = 'after' ORDER BY id"))
                .containsExactlyElementsOf(
                        numbers(100).stream().map(i -> "after " + i).toList());
        assertGaplessPrefix(db, rows);
    }

    /** Starts a child logging as fast as it can, waits until it has delivered enough, and kills it with SIGKILL. */
    private long writeUntilKilled(Path db) throws Exception {
        try (ChildJvm child = ChildJvm.start(dir, "crash-writer", "crash", db.toString())) {
            child.awaitLine("DELIVERED", d -> Long.parseLong(d) >= DELIVERED_BEFORE_KILL, PATIENCE);
            long delivered = Long.parseLong(child.last("DELIVERED").orElseThrow());
            child.kill();
            return delivered;
        }
    }

    /** The crash writer's rows, in id order, are exactly the messages "0" ... "rows - 1". */
    private static void assertGaplessPrefix(Path db, long rows) throws Exception {
        List<String> messages = strings(db, "SELECT message FROM logs WHERE logger = 'crash' ORDER BY id");
        assertThat(messages).hasSize((int) rows);
        assertThat(messages).containsExactlyElementsOf(numbers((int) rows));
    }
}
