package dev.sluice.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.RabbitMqServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmqpConsumerDemoIT {

    @TempDir
    Path directory;

    @Test
    void everyEventIsStoredOnceAndTheMalformedMessageIsDeadLettered() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        boolean ok = AmqpConsumerDemo.run(
                RabbitMqServer.shared().uri(),
                directory.resolve("central.db"),
                new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(text).isTrue();
        assertThat(text)
                .contains("stored 1,000 events, dead-lettered 1 (malformed 1), duplicates skipped 0")
                .contains("failure queue ")
                .contains("malformed: malformed JSON")
                .contains("the store holds 1,000 events: {TRACE=200, DEBUG=200, INFO=200, WARN=200, ERROR=200}")
                .contains("RESULT ok");
    }
}
