package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis appender when a batch's replies do not come within commandTimeout. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTimeoutIT {

    private static final RedisServer REDIS = RedisServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aBatchThatTimesOutHasRunAPrefixOfItselfAtMostNeverOneWithHoles() {
        int logged = 5000;
        // 1 ms is too short for 5000 XADDs: every attempt times out while the pipeline is being written and read.
        RedisAppender appender = TestAppenders.configure(
                logback,
                REDIS.uri(),
                prefix,
                TestAppenders.oneStreamBatchOf(logged)
                        + "<commandTimeout>1 millisecond</commandTimeout>"
                        + "<retryInitialDelay>100 milliseconds</retryInitialDelay>"
                        + "<retryMaxDelay>100 milliseconds</retryMaxDelay>"
                        + "<shutdownGracePeriod>0 milliseconds</shutdownGracePeriod>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        for (int i = 0; i < logged; i++) {
            logger.info("event {}", i);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getFailedAttempts() >= 5);
        logback.context().stop();
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> stats.getDelivered() + stats.getDropped() == stats.getAppended());

        ReadBack stream = ReadBack.stream(REDIS, "stream:" + prefix + ":global");
        List<Integer> attempts = stream.assertEveryAttemptRanAPrefix("event");
        assertThat(attempts.size()).isLessThanOrEqualTo((int) stats.getFailedAttempts() + 1);
        System.out.printf(
                "RedisTimeoutIT: %s; stream entries=%d; events run per attempt that left any: %s%n",
                stats, stream.size(), attempts);
    }
}
