package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDemoTest {

    @Test
    void theDemoCommitsEveryEventAndAnswersEveryQuery(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        boolean ok = SqliteDemo.run(dir.resolve("demo.db"), new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(text).isTrue();
        assertThat(text)
                .contains("committed  22,000 events")
                .contains("dropped 0")
                .contains("statistics: 20,000 log rows, 2,000 metric rows")
                .contains("by level   {TRACE=0, DEBUG=0, INFO=19760, WARN=160, ERROR=80}")
                .contains(": 11 rows")
                .contains("count 2000, min 10.0, max 100.0, avg 55.00, p50 50.0, p90 90.0, p99 100.0")
                .contains("per-thread order held for 20 of 20 threads")
                .contains("RESULT ok");
    }
}
