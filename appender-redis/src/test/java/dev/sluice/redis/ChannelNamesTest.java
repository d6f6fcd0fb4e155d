package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelNamesTest {

    private final ChannelNames names = new ChannelNames("logs", "logs:global", 64);

    @Test
    void aSafeIdIsUsedAsItIs() {
        assertThat(names.contextChannel("job-42.a_b")).isEqualTo("logs:job-42.a_b");
        assertThat(ChannelNames.streamKey("logs:job-42")).isEqualTo("stream:logs:job-42");
    }

    @Test
    void hostileIdsNeverCarryGlobSeparatorOrControlCharactersIntoTheName() {
        List<String> hostile = List.of(
                "*",
                "job:*",
                "a?b",
                "[abc]",
                "x:y:z",
                "",
                " ",
                "line\nbreak",
                "nul\u0000",
                "\uD83D\uDE00",
                "\uD800",
                "../../etc",
                "a".repeat(10_000),
                "global");
        Set<String> channels = new HashSet<>();
        for (String id : hostile) {
            String channel = names.contextChannel(id);
            String suffix = channel.substring("logs:".length());
            assertThat(suffix).as(id).matches("[A-Za-z0-9._-]*~[0-9a-f]{8}").hasSizeLessThanOrEqualTo(64);
            assertThat(channel).isNotEqualTo("logs:global");
            channels.add(channel);
        }
        assertThat(channels).as("distinct ids, distinct channels").hasSize(hostile.size());
    }

    @Test
    void theReadmeExampleHoldsAsWritten() {
        assertThat(names.contextChannel("job:* [1]")).isEqualTo("logs:job____1_~34b278b5");
    }

    @Test
    void idsThatSanitiseAlikeStayApart() {
        assertThat(names.contextChannel("a:b")).isNotEqualTo(names.contextChannel("a_b"));
        assertThat(names.contextChannel("a:b")).isNotEqualTo(names.contextChannel("a*b"));
        assertThat(names.contextChannel("a:b")).startsWith("logs:a_b~");
        assertThat(names.contextChannel("a:b")).isEqualTo(names.contextChannel("a:b"));
    }
}
