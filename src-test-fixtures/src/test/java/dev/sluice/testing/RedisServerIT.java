package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    @Test
    void sharedServerAnswersPing() {
        RedisServer redis = RedisServer.shared();

        assertThat(redis.ping()).isTrue();
        try (RespClient client = redis.client()) {
            assertThat(client.command("PING")).isEqualTo("PONG");
        }
        assertThat(redis.uri()).startsWith("redis");
        assertThat(RedisServer.shared()).isSameAs(redis);
    }

    @Test
    void sharedServerCannotBeStoppedByATest() {
        RedisServer redis = RedisServer.shared();

        assertThatThrownBy(redis::kill)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("startPrivate");
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
        redis.close();
        assertThat(redis.ping()).isTrue();
    }

    @Test
    void privateServerStartsRestartsOnTheSamePortAndDies() {
        try (RedisServer redis = RedisServer.startPrivate()) {
            int port = redis.port();
            assertThat(redis.isPrivate()).isTrue();
            assertThat(port).isNotEqualTo(RedisServer.DEFAULT_PORT);
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + port);
            try (RespClient client = redis.client()) {
                assertThat(client.command("SET", "k", "v")).isEqualTo("OK");
            }

            redis.restart();

            assertThat(redis.port()).isEqualTo(port);
            try (RespClient client = redis.client()) {
                // No persistence: a restarted private server starts empty.
                assertThat(client.command("GET", "k")).isNull();
            }

            redis.kill();

            assertThat(redis.ping()).isFalse();
            assertThatThrownBy(redis::client).isInstanceOf(UncheckedIOException.class);

            redis.start();
            assertThat(redis.ping()).isTrue();
        }
    }

    @Test
    void closeStopsAPrivateServer() {
        RedisServer redis = RedisServer.startPrivate();
        redis.close();

        assertThat(redis.ping()).isFalse();
    }
}
