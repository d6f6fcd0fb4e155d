package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUrisTest {

    private final List<String> errors = new ArrayList<>();

    @Test
    void oneUriIsOneServer() {
        List<RedisURI> uris = RedisUris.parse("redis://:secret@cache:6380/2", false, errors);

        assertThat(errors).isEmpty();
        assertThat(uris)
                .singleElement()
                .satisfies(uri -> assertThat(uri.getPort()).isEqualTo(6380));
        assertThat(RedisUris.display(uris, false)).isEqualTo("redis://cache:6380/2");
    }

    @Test
    void aClusterTakesSeedsSeparatedByCommasAndNeverShowsTheirPasswords() {
        List<RedisURI> uris = RedisUris.parse("redis://:secret@a:7000, rediss://b:7001 ,redis://c", true, errors);

        assertThat(errors).isEmpty();
        assertThat(uris).extracting(RedisURI::getHost).containsExactly("a", "b", "c");
        assertThat(RedisUris.display(uris, true))
                .isEqualTo("Redis Cluster redis://a:7000,rediss://b:7001,redis://c:6379")
                .doesNotContain("secret");
    }

    @Test
    void severalUrisWithoutClusterAreRefused() {
        assertThat(RedisUris.parse("redis://a:7000,redis://b:7001", false, errors))
                .isEmpty();
        assertThat(errors).singleElement().asString().contains("<cluster>true</cluster>");
    }

    @Test
    void aClusterRefusesSentinelUrisOtherDatabasesAndEmptyEntries() {
        assertThat(RedisUris.parse("redis-sentinel://s:26379#mymaster", true, errors))
                .isEmpty();
        assertThat(RedisUris.parse("redis://a:7000/3", true, errors)).isEmpty();
        assertThat(RedisUris.parse("redis://a:7000,,redis://b:7001", true, errors))
                .isEmpty();
        assertThat(RedisUris.parse("not a uri", true, errors)).isEmpty();

        assertThat(errors)
                .hasSize(4)
                .satisfiesExactly(
                        e -> assertThat(e).contains("Sentinel"),
                        e -> assertThat(e).contains("only database 0"),
                        e -> assertThat(e).contains("empty entry"),
                        e -> assertThat(e).contains("is not a Redis URI"));
    }
}
