package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code start()} refuses TLS settings it cannot use, naming the setting and the path, and never throws. */
class RedisTlsTest {

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path directory;

    private RedisAppender appender(String uri) {
        RedisAppender appender = new RedisAppender();
        appender.setContext(logback.context());
        appender.setName("TLS");
        appender.setJmx(false);
        appender.setUri(uri);
        return appender;
    }

    @Test
    void aMissingCaFileRefusesStart() {
        RedisAppender appender = appender("rediss://127.0.0.1:6390");
        Path missing = directory.resolve("missing-ca.pem");
        appender.setTlsCaCertFile(missing.toString());

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        StatusAssertions.assertStatusCount(
                logback.context(),
                Status.ERROR,
                "Appender \\[TLS\\] not started: tlsCaCertFile '\\Q" + missing + "\\E' is not a readable file\\.",
                1);
    }

    @Test
    void aCaFileWithoutCertificatesRefusesStart() throws IOException {
        RedisAppender appender = appender("rediss://127.0.0.1:6390");
        Path garbage = Files.writeString(directory.resolve("ca.pem"), "not a certificate");
        appender.setTlsCaCertFile(garbage.toString());

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(
                logback.context(), Status.ERROR, "tlsCaCertFile '\\Q" + garbage + "\\E' holds no PEM CA certificate");
    }

    @Test
    void aClientCertificateWithoutItsKeyRefusesStart() throws IOException {
        RedisAppender appender = appender("rediss://127.0.0.1:6390");
        appender.setTlsCertFile(
                Files.writeString(directory.resolve("client.pem"), "x").toString());

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(logback.context(), Status.ERROR, "tlsCertFile and tlsKeyFile go together");
    }

    @Test
    void tlsFilesWithAPlainUriRefuseStart() throws IOException {
        RedisAppender appender = appender("redis://:pa55@127.0.0.1:6390");
        appender.setTlsCaCertFile(
                Files.writeString(directory.resolve("ca.pem"), "x").toString());

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(
                logback.context(),
                Status.ERROR,
                "need a TLS uri \\(rediss:// or rediss-sentinel://\\), was redis://127");
        TestAppenders.assertNoStatusMentions(logback.context(), "pa55");
    }
}
