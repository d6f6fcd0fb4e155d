package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespClientIT {

    private final RedisServer redis = RedisServer.shared();
    private final RespClient client = redis.client();
    private final String key = "sluice:test:resp:" + UUID.randomUUID();

    @AfterEach
    void cleanUp() {
        client.command("DEL", key);
        client.close();
    }

    @Test
    void readsEveryReplyType() {
        assertThat(client.command("PING")).isEqualTo("PONG");
        assertThat(client.call("RPUSH", key, "a", "ü €")).isEqualTo(2L);
        assertThat(client.call("LRANGE", key, "0", "-1")).isEqualTo(List.of("a", "ü €"));
        assertThat(client.command("LRANGE", key, "0", "-1")).isEqualTo("[a, ü €]");
        assertThat(client.call("GET", key + ":missing")).isNull();
    }

    @Test
    void readsALargeBulkReply() {
        String big = "x".repeat(1_000_000);
        client.command("SET", key, big);

        assertThat(client.command("GET", key)).isEqualTo(big);
    }

    @Test
    void reportsErrorRepliesAndStaysUsable() {
        client.command("SET", key, "text");

        assertThatThrownBy(() -> client.command("LPUSH", key, "x"))
                .isInstanceOf(RespClient.ErrorReply.class)
                .hasMessageStartingWith("WRONGTYPE");
        assertThat(client.command("GET", key)).isEqualTo("text");
    }

    @Test
    void pingHelperTellsWhetherRedisAnswers() {
        assertThat(RespClient.ping(redis.host(), redis.port(), java.time.Duration.ofSeconds(1)))
                .isTrue();
        assertThat(RespClient.ping("127.0.0.1", ServerSupport.freePort(), java.time.Duration.ofMillis(200)))
                .isFalse();
    }
}
