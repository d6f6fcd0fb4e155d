package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RelayDemoIT {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void fourWorkerJvmsStoreEveryEventOnceInOrder(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        boolean ok = RelayDemo.run(dir.resolve("relay.db"), new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(ok).as(text).isTrue();
        assertThat(text).contains("the store holds 20,000 events").contains("RESULT ok");
        for (int w = 1; w <= RelayDemo.WORKERS; w++) {
            assertThat(text)
                    .contains("worker-" + w + ": 5,000 events, in order")
                    .containsPattern("worker-" + w + " \\(pid \\d+\\): logged 5,000, delivered 5,000, dropped 0");
        }
    }
}
