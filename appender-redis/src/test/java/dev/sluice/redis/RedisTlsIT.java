package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RespClient;
import dev.sluice.testing.StatusAssertions;
import dev.sluice.testing.TestCertificates;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender over TLS ({@code rediss://}) to private Redis servers with certificates of a private CA made for the
 * test: one that asks for no client certificate, one that requires it (mutual TLS). Each server also listens on a
 * plain port, for PING and for reading back.
 */
class RedisTlsIT {

    @TempDir
    static Path directory;

    private static TestCertificates certificates;
    private static PrivateRedisProcess tls;
    private static int tlsPort;
    private static PrivateRedisProcess mutual;
    private static int mutualPort;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @BeforeAll
    static void startTlsRedis() {
        certificates = TestCertificates.create(directory);
        tlsPort = PrivateRedisProcess.freePort();
        tls = startTlsServer(tlsPort, "no");
        mutualPort = PrivateRedisProcess.freePort();
        mutual = startTlsServer(mutualPort, "yes");
    }

    private static PrivateRedisProcess startTlsServer(int port, String authClients) {
        return PrivateRedisProcess.startServer(
                directory,
                "--tls-port",
                Integer.toString(port),
                "--tls-cert-file",
                certificates.serverCert().toString(),
                "--tls-key-file",
                certificates.serverKey().toString(),
                "--tls-ca-cert-file",
                certificates.ca().toString(),
                "--tls-auth-clients",
                authClients);
    }

    @AfterAll
    static void stopRedis() {
        if (tls != null) {
            tls.close();
        }
        if (mutual != null) {
            mutual.close();
        }
    }

    private RedisAppender configure(String uri, String settings) {
        return TestAppenders.configure(logback, uri, "tls", "<jmx>false</jmx><target>STREAM</target>" + settings);
    }

    @Test
    void everyEventArrivesOverTlsTrustingThePrivateCa() {
        RedisAppender appender = configure(
                "rediss://127.0.0.1:" + tlsPort,
                "<globalChannel>trusted</globalChannel><tlsCaCertFile>" + certificates.ca() + "</tlsCaCertFile>");
        TestAppenders.log(logback, "event", 200);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 200);

        ReadBack.stream(tls, "stream:tls:trusted").assertExactlyOnceInOrder("event", 200);
        assertThat(appender.getStats().getFailedAttempts()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void mutualTlsPresentsTheClientCertificate() {
        RedisAppender appender = configure(
                "rediss://localhost:" + mutualPort,
                "<globalChannel>mutual</globalChannel><tlsCaCertFile>" + certificates.ca() + "</tlsCaCertFile>"
                        + "<tlsCertFile>" + certificates.clientCert() + "</tlsCertFile><tlsKeyFile>"
                        + certificates.clientKey() + "</tlsKeyFile>");
        TestAppenders.log(logback, "event", 100);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 100);

        ReadBack.stream(mutual, "stream:tls:mutual").assertExactlyOnceInOrder("event", 100);
        assertThat(appender.getStats().getFailedAttempts()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
    }

    @Test
    void aServerSignedByAnotherCaFailsTheHandshakeWhichIsReportedAndEveryEventIsCounted() {
        RedisAppender appender = configure(
                "rediss://127.0.0.1:" + tlsPort,
                "<globalChannel>untrusted</globalChannel><tlsCaCertFile>" + certificates.otherCa()
                        + "</tlsCaCertFile><queueSize>10</queueSize>"
                        + "<shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>");
        assertThat(appender.isStarted()).isTrue();

        TestAppenders.log(logback, "event", 25); // returns at once: the queue takes 10, the rest is dropped
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "\\[REDIS\\] failed to open its sink");
        assertThat(TestAppenders.statusTexts(logback.context(), Status.WARN))
                .contains("cannot connect to rediss://127.0.0.1:" + tlsPort + "/0")
                .contains("TLS handshake failed (");
        assertThat(appender.getStats().getDroppedQueueFull()).isEqualTo(15);
        logback.context().stop();

        assertThat(appender.getStats().getDroppedShutdown()).isEqualTo(10);
        assertThat(appender.getStats().getDelivered()).isZero();
        try (RespClient client = tls.client()) {
            assertThat(client.call("EXISTS", "stream:tls:untrusted")).isEqualTo(0L);
        }
    }

    @Test
    void verifyPeerNoneInTheUriTrustsAnyCertificate() {
        RedisAppender appender = configure(
                "rediss://127.0.0.1:" + tlsPort + "?verifyPeer=NONE",
                "<globalChannel>unverified</globalChannel><tlsCaCertFile>" + certificates.otherCa()
                        + "</tlsCaCertFile>");
        TestAppenders.log(logback, "event", 10);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 10);

        ReadBack.stream(tls, "stream:tls:unverified").assertExactlyOnceInOrder("event", 10);
    }

    @Test
    void mutualTlsWithoutAClientCertificateIsRefusedAndReported() {
        RedisAppender appender = configure(
                "rediss://127.0.0.1:" + mutualPort,
                "<globalChannel>anonymous</globalChannel><tlsCaCertFile>" + certificates.ca() + "</tlsCaCertFile>"
                        + "<shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>");
        TestAppenders.log(logback, "event", 5);
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "\\[REDIS\\] failed to open its sink");
        logback.context().stop();

        assertThat(appender.getStats().getDroppedShutdown()).isEqualTo(5);
        assertThat(appender.getStats().getDelivered()).isZero();
    }
}
