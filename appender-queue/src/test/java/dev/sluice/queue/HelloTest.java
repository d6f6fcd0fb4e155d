package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hello: round trip, and every malformed one refused with the reason. */
class HelloTest {

    private static Hello parse(String json) throws RelayProtocolException {
        return Hello.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsAndHidesTheToken() throws RelayProtocolException {
        Hello hello = new Hello(42, "worker-3", "build-7", 1_732_200_000_123L, "s3cret");
        Hello back = Hello.parse(hello.toJson());
        assertThat(back).isEqualTo(hello);
        assertThat(back.identity()).isEqualTo(new WorkerIdentity(42, 1_732_200_000_123L, "worker-3"));
        assertThat(back.toString()).doesNotContain("s3cret").contains("worker-3", "42", "build-7");
        assertThat(parse("{\"v\":1,\"pid\":1,\"name\":\"w\",\"start\":5,\"future\":{\"x\":1}}")
                        .host())
                .isEmpty();
    }

    @Test
    void malformedHellosAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> parse("[]")).hasMessage("a hello that is not a JSON object");
        assertThatThrownBy(() -> parse("{\"v\":2,\"pid\":1,\"name\":\"w\",\"start\":5}"))
                .hasMessage("a hello of protocol version 2; this server speaks 1");
        assertThatThrownBy(() -> parse("{\"v\":1,\"pid\":1,\"start\":5}"))
                .hasMessage("a hello without pid, start or name");
        assertThatThrownBy(() -> parse("{\"v\":1,\"pid\":\"1\",\"name\":\"w\",\"start\":5}"))
                .hasMessage("a hello whose pid is not an integer");
        assertThatThrownBy(() -> parse("{\"v\":1,\"pid\":1,\"name\":7,\"start\":5}"))
                .hasMessage("a hello whose name is not a string");
        assertThatThrownBy(() -> parse("{\"v\":1,\"pid\":1,\"name\":\"w\",\"start\":5} {}"))
                .hasMessage("a hello with data after its object");
        assertThatThrownBy(() -> parse("{\"v\":1,\"pid\":1,\"name\":\"" + "x".repeat(300) + "\",\"start\":5}"))
                .isInstanceOf(RelayProtocolException.class)
                .hasMessageStartingWith("a malformed hello");
        assertThatThrownBy(() -> parse("{\"v\":1,\"a\":{\"b\":{}}}"))
                .isInstanceOf(RelayProtocolException.class)
                .hasMessageStartingWith("a malformed hello");
        assertThatThrownBy(() -> parse("{\"v\":1,")).hasMessageStartingWith("a malformed hello");
        assertThatThrownBy(() -> Hello.parse(new byte[Hello.MAX_BYTES + 1]))
                .hasMessage("a hello of 4097 bytes; the limit is 4096");
    }
}
