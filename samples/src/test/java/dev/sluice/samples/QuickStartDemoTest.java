package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartDemoTest {

    @Test
    void theDemoDeliversEveryEventOnceInPerThreadOrderAndSaysSo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("demo.log");
        System.setProperty("sluice.demo.file", file.toString());
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        boolean ok = QuickStartDemo.run(file, new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(text).isTrue();
        assertThat(Files.readAllLines(file)).hasSize(20_000);
        assertThat(text)
                .contains("delivered  20,000 events")
                .contains("dropped    0 (queue_full=0, shutdown=0, rejected_by_sink=0)")
                .contains("per-thread order held for all 20 threads; duplicates 0")
                .contains("RESULT ok");
    }
}
