package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code start()} checks every setting, reports each problem (never a password) and refuses, without throwing. */
class AmqpAppenderTest {

    private static final String SECRET = "s3cret-pw";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path directory;

    private AmqpAppender started(Consumer<AmqpAppender> settings) {
        AmqpAppender appender = new AmqpAppender();
        appender.setContext(logback.context());
        appender.setName("AMQP");
        appender.setJmx(false);
        appender.setService("orders");
        settings.accept(appender);
        appender.start();
        return appender;
    }

    private void assertRefused(AmqpAppender appender, String regex) {
        assertThat(appender.isStarted()).isFalse();
        StatusAssertions.assertStatus(logback.context(), Status.ERROR, "Appender \\[AMQP\\] not started: .*" + regex);
    }

    @Test
    void theDefaultsStartWithoutABrokerAndStopCleanly() {
        // Nothing listens on this port: start() must not wait for it.
        AmqpAppender appender = started(a -> a.setUri("amqp://guest:guest@127.0.0.1:1/%2F"));
        assertThat(appender.isStarted()).isTrue();
        appender.stop();
        appender.stop();
        assertThat(appender.isStarted()).isFalse();
    }

    @Test
    void aUriThatIsNotAmqpIsRefusedWithoutItsPassword() {
        AmqpAppender appender = started(a -> a.setUri("http://user:" + SECRET + "@host/"));
        assertRefused(appender, "uri 'http://user:\\*\\*\\*@host/' is not an AMQP URI");
        assertThat(StatusAssertions.describe(logback.context())).doesNotContain(SECRET);
    }

    @Test
    void badEnumsAndNumbersAreEachReported() {
        AmqpAppender appender = started(a -> {
            a.setFormat("XML");
            a.setLevelNames("CAPS");
            a.setEventsPerMessage(0);
            a.setConfirmWindow(0);
            a.setChannels(17);
            a.setMaxLength(-1);
            a.setQueueType("stream");
            a.setOverflow("drop-tail");
            a.setConfirmTimeout(Duration.buildByMilliseconds(0));
            a.setHeartbeat(Duration.buildByMilliseconds(500));
        });
        assertRefused(appender, "format must be one of \\[JSON, LOGHIVE\\], was 'XML'");
        assertRefused(appender, "levelNames must be one of \\[LOGBACK, PYTHON\\], was 'CAPS'");
        assertRefused(appender, "eventsPerMessage must be at least 1, was 0");
        assertRefused(appender, "confirmWindow must be at least 1, was 0");
        assertRefused(appender, "channels must be between 1 and 16, was 17");
        assertRefused(appender, "maxLength must not be negative, was -1");
        assertRefused(appender, "queueType must be classic or quorum, was 'stream'");
        assertRefused(appender, "overflow must be drop-head, reject-publish or reject-publish-dlx, was 'drop-tail'");
        assertRefused(appender, "confirmTimeout must be between 1 millisecond and 24 days");
        assertRefused(appender, "heartbeat is in whole seconds: 0 turns it off, else at least 1 second");
    }

    @Test
    void batchedModeNeedsTheCanonicalJson() {
        AmqpAppender appender = started(a -> {
            a.setFormat("LOGHIVE");
            a.setEventsPerMessage(10);
        });
        assertRefused(appender, "eventsPerMessage above 1 \\(batched mode\\) needs format JSON");
    }

    @Test
    void anUnknownPlaceholderOrAnEmptyExchangeIsRefused() {
        AmqpAppender appender = started(a -> {
            a.setRoutingKeyPattern("{service}.{lvl}");
            a.setExchange(" ");
        });
        assertRefused(appender, "routingKeyPattern '\\{service\\}.\\{lvl\\}' has the unknown placeholder \\{lvl\\}");
        assertRefused(appender, "exchange must not be empty");
    }

    @Test
    void aServiceThatMakesNamesTooLongForAmqpIsRefused() {
        AmqpAppender appender = started(a -> a.setService("s".repeat(250)));
        assertRefused(appender, "service 's+' makes a name too long: .* is longer than AMQP's 255 bytes");
    }

    @Test
    void tlsFilesNeedAnAmqpsUri() {
        AmqpAppender appender = started(a -> a.setTlsCaCertFile("/etc/ssl/ca.pem"));
        assertRefused(appender, "tlsCaCertFile, tlsCertFile and tlsKeyFile need an amqps:// uri");
    }

    @Test
    void unusableTlsFilesAreRefusedNamingThem() throws IOException {
        Path garbage = Files.writeString(directory.resolve("ca.pem"), "not a certificate");
        AmqpAppender missingKey = started(a -> {
            a.setUri("amqps://guest:guest@127.0.0.1:5671/%2F");
            a.setTlsCertFile(garbage.toString());
        });
        assertRefused(missingKey, "tlsCertFile and tlsKeyFile go together");

        AmqpAppender badCa = started(a -> {
            a.setUri("amqps://guest:guest@127.0.0.1:5671/%2F");
            a.setTlsCaCertFile(garbage.toString());
        });
        assertRefused(badCa, "cannot use the TLS files \\(tlsCaCertFile \\Q" + garbage + "\\E");
    }

    @Test
    void aBadAddressListIsRefused() {
        AmqpAppender appender = started(a -> a.setAddresses("host-a:5672,host-b:notaport"));
        assertRefused(appender, "addresses 'host-a:5672,host-b:notaport' is not a list of host\\[:port\\]");
    }
}
