package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisTailDemoIT {

    @Test
    void theTailSeesExactlyJobAsEventsInOrder() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        boolean ok =
                RedisTailDemo.run(RedisServer.shared().uri(), new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(text).isTrue();
        assertThat(text)
                .contains("tailed 200 events of job-a, in order: true; delivered 400 events to Redis, dropped 0")
                .contains("RESULT ok");
    }
}
