package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a real Redis server, driven with raw RESP. */
class FaultProxyIT {

    private final RedisServer redis = RedisServer.shared();
    private final FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private RespClient throughProxy(Duration timeout) {
        return new RespClient(proxy.host(), proxy.port(), timeout);
    }

    @Test
    void forwardsBothWays() {
        try (RespClient client = throughProxy(Duration.ofSeconds(5))) {
            assertThat(client.command("PING")).isEqualTo("PONG");
            assertThat(client.command("ECHO", "x".repeat(100_000))).hasSize(100_000);
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.connectionCount() == 0);
        assertThat(proxy.acceptedCount()).isEqualTo(1);
    }

    @Test
    void cutAllBreaksCurrentConnectionsAndAcceptsNewOnes() {
        try (RespClient client = throughProxy(Duration.ofSeconds(5))) {
            assertThat(client.command("PING")).isEqualTo("PONG");

            proxy.cutAll();

            assertThat(proxy.connectionCount()).isZero();
            // A reset or an end of stream, but never a reply and never a hang.
            assertThatThrownBy(() -> client.command("PING"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .rootCause()
                    .isNotInstanceOf(SocketTimeoutException.class);
        }
        try (RespClient client = throughProxy(Duration.ofSeconds(5))) {
            assertThat(client.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void blackholeSwallowsTrafficUntilReset() {
        try (RespClient before = throughProxy(Duration.ofSeconds(5))) {
            assertThat(before.command("PING")).isEqualTo("PONG");

            proxy.blackhole(true);

            try (RespClient during = throughProxy(Duration.ofMillis(300))) {
                assertThatThrownBy(() -> during.command("PING"))
                        .isInstanceOf(UncheckedIOException.class)
                        .hasCauseInstanceOf(SocketTimeoutException.class);
            }
            before.socket().setSoTimeout(300);
            assertThatThrownBy(() -> before.command("PING")).hasCauseInstanceOf(SocketTimeoutException.class);
            assertThat(before.socket().isClosed()).isFalse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        proxy.reset();

        try (RespClient after = throughProxy(Duration.ofSeconds(5))) {
            assertThat(after.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void latencyDelaysEachDirection() {
        Duration latency = Duration.ofMillis(150);
        try (RespClient client = throughProxy(Duration.ofSeconds(10))) {
            assertThat(client.command("PING")).isEqualTo("PONG");
            proxy.setLatency(latency);

            long start = System.nanoTime();
            assertThat(client.command("PING")).isEqualTo("PONG");
            Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);

            // The request and the reply each wait out the latency; only a lower bound is safe to assert.
            assertThat(roundTrip).isGreaterThanOrEqualTo(latency.multipliedBy(2));

            proxy.reset();
            assertThat(client.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void aRefusingTargetClosesTheClientConnection() {
        // Port 1: privileged, so the proxy's own ephemeral port can never be it, and nothing listens there. A
        // "free" port could be handed to the proxy itself, which would then forward to itself.
        try (FaultProxy nowhere = FaultProxy.start("127.0.0.1", 1)) {
            // The proxy resets the client as soon as the target refuses; on loopback that reset can even beat the
            // end of the client's connect, so the failure may come from either the connect or the PING.
            assertThatThrownBy(() -> {
                        try (RespClient client =
                                new RespClient(nowhere.host(), nowhere.port(), Duration.ofSeconds(5))) {
                            client.command("PING");
                        }
                    })
                    .isInstanceOf(UncheckedIOException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> nowhere.connectionCount() == 0);
        }
    }

    @Test
    void closeStopsListening() {
        proxy.close();

        assertThatThrownBy(() -> throughProxy(Duration.ofSeconds(1))).isInstanceOf(UncheckedIOException.class);
    }
}
