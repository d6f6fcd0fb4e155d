package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.core.status.Status;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RabbitMqServer;
import dev.sluice.testing.StatusAssertions;
import dev.sluice.testing.TestCertificates;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender over TLS to a private node that requires a client certificate (mutual TLS), with certificates made
 * by openssl for the test: trusted through {@code tlsCaCertFile}, presenting {@code tlsCertFile}/{@code tlsKeyFile}.
 * A server the CA did not sign, or no client certificate, fails the handshake: reported, counted, never blocking.
 */
class AmqpTlsIT {

    @TempDir
    static Path directory;

    private static TestCertificates certificates;
    private static RabbitMqServer broker;
    private static int tlsPort;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @BeforeAll
    static void startTlsNode() throws Exception {
        certificates = TestCertificates.create(directory);
        try (ServerSocket socket = new ServerSocket(0)) {
            tlsPort = socket.getLocalPort();
        }
        broker = RabbitMqServer.startPrivate(node -> {
            for (Path file : new Path[] {certificates.ca(), certificates.serverCert(), certificates.serverKey()}) {
                Files.copy(file, node.resolve(file.getFileName()));
            }
            return "listeners.ssl.default = 127.0.0.1:" + tlsPort + "\n"
                    + "ssl_options.cacertfile = " + node.resolve("ca.pem") + "\n"
                    + "ssl_options.certfile = " + node.resolve("server.pem") + "\n"
                    + "ssl_options.keyfile = " + node.resolve("server.key") + "\n"
                    + "ssl_options.verify = verify_peer\n"
                    + "ssl_options.fail_if_no_peer_cert = true\n";
        });
    }

    @AfterAll
    static void stopNode() {
        broker.close();
    }

    private String tlsUri() {
        return "amqps://guest:guest@127.0.0.1:" + tlsPort + "/%2F";
    }

    private AmqpAppender configure(String service, String tls) {
        return AmqpTestSupport.configure(
                logback,
                tlsUri(),
                service,
                tls + "<queueSize>10</queueSize><shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>"
                        + "<handshakeTimeout>5 seconds</handshakeTimeout>");
    }

    @Test
    void everyEventArrivesOverMutualTls() throws Exception {
        String service = AmqpTestSupport.uniqueService("tls");
        AmqpAppender appender = AmqpTestSupport.configure(
                logback,
                tlsUri(),
                service,
                "<tlsCaCertFile>" + certificates.ca() + "</tlsCaCertFile>"
                        + "<tlsCertFile>" + certificates.clientCert() + "</tlsCertFile>"
                        + "<tlsKeyFile>" + certificates.clientKey() + "</tlsKeyFile>");
        for (int i = 0; i < 200; i++) {
            logback.logger("app").info("tls {}", i);
        }
        AppenderStatsMXBean stats = appender.getStats();
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 200);

        try (Connection reader = AmqpTestSupport.connect(broker);
                Channel channel = reader.createChannel()) {
            var messages = AmqpTestSupport.drain(channel, service + "_info_logs");
            assertThat(messages).hasSize(200);
            for (int i = 0; i < 200; i++) {
                assertThat(AmqpTestSupport.event(messages.get(i)).getFormattedMessage())
                        .isEqualTo("tls " + i);
            }
        }
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void aServerTheTrustedCaDidNotSignIsReportedAndEveryEventCounted() {
        AmqpAppender appender = configure(
                AmqpTestSupport.uniqueService("tls-ca"),
                "<tlsCaCertFile>" + certificates.otherCa() + "</tlsCaCertFile>"
                        + "<tlsCertFile>" + certificates.clientCert() + "</tlsCertFile>"
                        + "<tlsKeyFile>" + certificates.clientKey() + "</tlsKeyFile>");
        assertThat(appender.isStarted()).isTrue();
        loggedWhileUnreachable(appender);
    }

    @Test
    void withoutAClientCertificateTheBrokerRefusesAndEveryEventIsCounted() {
        AmqpAppender appender = configure(
                AmqpTestSupport.uniqueService("tls-nocert"),
                "<tlsCaCertFile>" + certificates.ca() + "</tlsCaCertFile>");
        loggedWhileUnreachable(appender);
    }

    /** 25 events into a queue of 10 that never drains: 15 queue_full now, 10 shutdown at stop; nothing delivered. */
    private void loggedWhileUnreachable(AmqpAppender appender) {
        for (int i = 0; i < 25; i++) {
            logback.logger("app").info("lost {}", i);
        }
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "\\[AMQP\\] failed to open its sink");
        assertThat(StatusAssertions.describe(logback.context()))
                .contains("cannot connect to amqps://guest@127.0.0.1:" + tlsPort + "/%2F");
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getDroppedQueueFull()).isEqualTo(15);
        logback.context().stop();
        assertThat(stats.getDroppedShutdown()).isEqualTo(10);
        assertThat(stats.getDelivered()).isZero();
    }
}
