package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RabbitMqServerIT {

    @Test
    void sharedBrokerCompletesTheProtocolHeaderExchange() {
        RabbitMqServer rabbit = RabbitMqServer.shared();

        assertThat(AmqpProbe.answers(rabbit.host(), rabbit.port(), Duration.ofSeconds(2)))
                .isTrue();
        assertThat(rabbit.uri()).startsWith("amqp");
        assertThat(RabbitMqServer.shared()).isSameAs(rabbit);
    }

    @Test
    void sharedBrokerCannotBeStoppedByATest() {
        RabbitMqServer rabbit = RabbitMqServer.shared();

        assertThatThrownBy(rabbit::stop)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("startPrivate");
        assertThatThrownBy(rabbit::kill).isInstanceOf(IllegalStateException.class);
        rabbit.close();
        assertThat(rabbit.answers()).isTrue();
    }

    @Test
    void probeRejectsSomethingThatIsNotAmqp() {
        RedisServer redis = RedisServer.shared();

        assertThat(AmqpProbe.answers(redis.host(), redis.port(), Duration.ofSeconds(1)))
                .isFalse();
        assertThat(AmqpProbe.answers("127.0.0.1", ServerSupport.freePort(), Duration.ofMillis(200)))
                .isFalse();
    }

    /** One test for the whole life of a node, since each start costs seconds. */
    @Test
    void privateNodeStartsRestartsDiesAndCleansUp() {
        RabbitMqServer rabbit = RabbitMqServer.startPrivate();
        Path directory = rabbit.directory();
        int port = rabbit.port();
        try {
            System.out.println("private RabbitMQ node " + rabbit.nodeName() + " started in "
                    + rabbit.startupTime().toMillis() + " ms");
            assertThat(port).isNotEqualTo(RabbitMqServer.DEFAULT_PORT);
            assertThat(rabbit.answers()).isTrue();
            assertThat(rabbit.uri()).isEqualTo("amqp://guest:guest@127.0.0.1:" + port + "/%2F");
            assertThat(rabbit.nodeName()).isEqualTo("sluice-" + port + "@localhost");
            assertThat(rabbit.rabbitmqctl("status"))
                    .contains("Node name: " + rabbit.nodeName())
                    .contains("Enabled plugins:");
            assertThat(rabbit.rabbitmqctl("authenticate_user", "guest", "guest"))
                    .contains("Success");
            assertThatThrownBy(() -> rabbit.rabbitmqctl("no_such_command"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with");

            rabbit.restart();
            System.out.println(
                    "private RabbitMQ node restarted in " + rabbit.startupTime().toMillis() + " ms");
            assertThat(rabbit.port()).isEqualTo(port);
            assertThat(rabbit.answers()).isTrue();

            rabbit.kill();
            assertThat(rabbit.answers()).isFalse();

            rabbit.start();
            assertThat(rabbit.answers()).isTrue();
        } finally {
            rabbit.close();
        }
        assertThat(rabbit.answers()).isFalse();
        assertThat(Files.exists(directory)).isFalse();
    }
}
