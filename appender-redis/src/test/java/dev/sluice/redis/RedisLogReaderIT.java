package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/** The reader API against what the appender wrote to a real Redis. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisLogReaderIT {

    private static final RedisServer REDIS = RedisServer.shared();

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "r" + UUID.randomUUID().toString().substring(0, 8);
    private final RedisLogReader reader = RedisLogReader.connect(REDIS.uri(), prefix, "global", 64);

    @AfterEach
    void close() {
        MDC.clear();
        reader.close();
    }

    private Logger appenderLogger() {
        logback.configure("<configuration><appender name='REDIS' class='dev.sluice.redis.RedisAppender'>"
                + "<uri>" + REDIS.uri() + "</uri><channelPrefix>" + prefix + "</channelPrefix>"
                + "<contextKey>jobId</contextKey></appender>"
                + "<root level='INFO'><appender-ref ref='REDIS'/></root></configuration>");
        return logback.logger("app");
    }

    private static List<String> expected(String job, int count) {
        return IntStream.range(0, count).mapToObj(i -> job + " " + i).toList();
    }

    @Test
    void readsAContextsStreamFromTheStartAndFromAnId() {
        Logger logger = appenderLogger();
        MDC.put("jobId", "job-1");
        for (int i = 0; i < 50; i++) {
            logger.info("job-1 {}", i);
        }
        String channel = reader.contextChannel("job-1");
        assertThat(channel).isEqualTo(prefix + ":job-1");
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> reader.read(channel, "0", 1000, Duration.ZERO).size() == 50);
        List<LogEntry> all = reader.read(channel, "0", 1000, Duration.ZERO);
        assertThat(all)
                .extracting(e -> e.event().getFormattedMessage())
                .containsExactlyElementsOf(expected("job-1", 50));
        List<LogEntry> rest = reader.read(channel, all.get(39).id(), 1000, Duration.ZERO);
        assertThat(rest)
                .extracting(e -> e.event().getFormattedMessage())
                .containsExactlyElementsOf(expected("job-1", 50).subList(40, 50));
        assertThat(reader.read(channel, all.get(49).id(), 10, Duration.ofMillis(50)))
                .isEmpty();
    }

    @Test
    void followsOneJobLiveWhileAnotherJobLogs() throws Exception {
        Logger logger = appenderLogger();
        List<String> followed = new CopyOnWriteArrayList<>();
        List<String> live = new CopyOnWriteArrayList<>();
        try (AutoCloseable follower = reader.follow(
                        reader.contextChannel("job-a"),
                        "0",
                        e -> followed.add(e.event().getFormattedMessage()));
                AutoCloseable subscription = reader.subscribe(
                        reader.contextChannel("job-a"), e -> live.add(e.event().getFormattedMessage()))) {
            Thread other = new Thread(() -> {
                MDC.put("jobId", "job-b");
                for (int i = 0; i < 300; i++) {
                    logger.info("job-b {}", i);
                }
            });
            other.start();
            MDC.put("jobId", "job-a");
            for (int i = 0; i < 300; i++) {
                logger.info("job-a {}", i);
            }
            other.join();
            await().atMost(60, TimeUnit.SECONDS).until(() -> followed.size() >= 300 && live.size() >= 300);
        }
        assertThat(followed).containsExactlyElementsOf(expected("job-a", 300));
        assertThat(live).containsExactlyElementsOf(expected("job-a", 300));
    }

    @Test
    void aHostileContextIdIsFoundUnderTheSameSanitisedChannel() {
        Logger logger = appenderLogger();
        MDC.put("jobId", "job:* [1]");
        logger.info("hostile");
        String channel = reader.contextChannel("job:* [1]");
        assertThat(channel).doesNotContain("*").doesNotContain(" ");
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> reader.read(channel, "0", 10, Duration.ZERO).size() == 1);
        assertThat(reader.read(channel, "0", 10, Duration.ZERO).get(0).text()).contains("\"message\":\"hostile\"");
    }
}
