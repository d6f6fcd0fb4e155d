package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testing.LogbackTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender with a {@code redis-sentinel://} uri, against a private primary, replica and sentinel: it writes to
 * the primary the sentinel names, and after a failover to the new one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelIT {

    @TempDir
    static Path directory;

    private static LocalRedisSentinel sentinel;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @BeforeAll
    static void startSentinel() {
        sentinel = LocalRedisSentinel.start(directory);
    }

    @AfterAll
    static void stopSentinel() {
        if (sentinel != null) {
            sentinel.close();
        }
    }

    private RedisAppender configure(String channel) {
        return TestAppenders.configure(
                logback,
                sentinel.uri(),
                "sentinel",
                "<jmx>false</jmx><target>STREAM</target><globalChannel>" + channel + "</globalChannel>");
    }

    @Test
    @Order(1)
    void everyEventReachesThePrimaryTheSentinelNames() {
        RedisAppender appender = configure("found");
        TestAppenders.log(logback, "event", 200);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 200);

        ReadBack.stream(sentinel.primary(), "stream:sentinel:found").assertExactlyOnceInOrder("event", 200);
        assertThat(appender.getStats().getFailedAttempts()).isZero();
    }

    @Test
    @Order(2)
    void afterAFailoverTheEventsReachTheNewPrimary() {
        RedisAppender appender = configure("failover");
        PrivateRedisProcess before = sentinel.primary();
        TestAppenders.log(logback, "before", 100);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 100);

        PrivateRedisProcess after = sentinel.failover();
        assertThat(after).isNotSameAs(before);
        TestAppenders.log(logback, "after", 100);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 200);

        ReadBack written = ReadBack.stream(after, "stream:sentinel:failover");
        // At most whole batches twice (a batch cut by the failover is sent again); the rest exactly once, in order.
        written.assertDeliveredInOrderWithWholeRunsReplayed("before", 100);
        written.assertDeliveredInOrderWithWholeRunsReplayed("after", 100);
        assertThat(appender.getStats().getDropped()).isZero();
    }
}
