package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RelayAddressTest {

    @Test
    void parsesUnixAndLoopbackTcpAddresses() {
        assertThat(RelayAddress.parse("unix:/run/user/1000/sluice/relay-1.sock"))
                .isEqualTo(RelayAddress.unix(Path.of("/run/user/1000/sluice/relay-1.sock")));
        assertThat(RelayAddress.parse(" tcp:127.0.0.1:4560 ")).isEqualTo(RelayAddress.tcp(4560));
        assertThat(RelayAddress.parse("tcp:4560").toString()).isEqualTo("tcp:127.0.0.1:4560");
        assertThat(RelayAddress.parse("unix:/tmp/x.sock").toString()).isEqualTo("unix:/tmp/x.sock");
    }

    @Test
    void refusesEverythingElseIncludingNonLoopbackHosts() {
        for (String bad : new String[] {"", "unix:", "tcp:", "tcp:0", "tcp:70000", "tcp:10.0.0.1:4560", "http://x"}) {
            assertThatThrownBy(() -> RelayAddress.parse(bad))
                    .as(bad)
                    .hasMessageContaining("a relay address is unix:<socket path> or tcp:127.0.0.1:<port>");
        }
        assertThatThrownBy(() -> RelayAddress.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
