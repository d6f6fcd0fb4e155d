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

    @Test
    void tlsUrisShowUserAndPasswordNowhere() {
        List<RedisURI> uris = RedisUris.parse("rediss://logger:pa55@cache:6390/1?verifyPeer=CA", false, errors);

        assertThat(errors).isEmpty();
        assertThat(uris.get(0).getVerifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.CA);
        assertThat(RedisUris.display(uris, false))
                .isEqualTo("rediss://cache:6390/1")
                .doesNotContain("pa55")
                .doesNotContain("logger");
    }

    @Test
    void sentinelUrisShowEverySentinelAndThePrimarysNameButNoPassword() {
        List<RedisURI> uris = RedisUris.parse("redis-sentinel://:pa55@s1:26379,s2:26380/2#logs-primary", false, errors);

        assertThat(errors).isEmpty();
        RedisURI uri = uris.get(0);
        assertThat(uri.getSentinelMasterId()).isEqualTo("logs-primary");
        assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
        assertThat(RedisUris.display(uris, false))
                .isEqualTo("redis-sentinel://s1:26379,s2:26380/2#logs-primary")
                .doesNotContain("pa55");
    }

    @Test
    void tlsSentinelUrisSayTheyAreTlsAndSentinel() {
        List<RedisURI> uris = RedisUris.parse("rediss-sentinel://logger:pa55@s1#logs-primary", false, errors);

        assertThat(errors).isEmpty();
        assertThat(RedisUris.display(uris, false))
                .isEqualTo("rediss-sentinel://s1:26379/0#logs-primary")
                .doesNotContain("pa55")
                .doesNotContain("logger");
    }

    @Test
    void refusedUrisNeverEchoTheirPasswords() {
        assertThat(RedisUris.parse("redis-sentinel://:pa55@s1:26379,s2", false, errors))
                .isEmpty();
        assertThat(RedisUris.parse("redis://logger:pa55@a:7000,,redis://b", true, errors))
                .isEmpty();

        assertThat(errors)
                .satisfiesExactly(
                        e -> assertThat(e)
                                .contains("'redis-sentinel://***@s1:26379,s2'")
                                .contains("sentinelMasterId"),
                        e -> assertThat(e).contains("'redis://***@a:7000,,redis://b'"))
                .noneSatisfy(e -> assertThat(e).contains("pa55"));
    }
}
