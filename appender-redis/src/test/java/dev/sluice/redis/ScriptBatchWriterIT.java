package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.PartialWriteException;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.RespClient;
import dev.sluice.testing.StatusAssertions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/**
 * The Redis appender's Lua script path against a private server of its own, whose scripts, ACL users and command
 * counts the tests may change and read: the script loaded again after {@code SCRIPT FLUSH}, the pipeline taking over
 * when an ACL denies scripts, an event larger than a script call's share of a batch, and error replies per event.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScriptBatchWriterIT {

    private static final String BATCHES_OF_100 =
            "<jmx>false</jmx><maxLen>0</maxLen><batchSize>100</batchSize><maxBatchDelay>5 seconds</maxBatchDelay>";
    private static final String REFUSED = "writes its batches as pipelines from now on: .* refused its Lua script";

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String globalStream = "stream:" + prefix + ":global";
    private final RedisServer redis = RedisServer.startPrivate();

    @AfterEach
    void stopServer() {
        MDC.clear();
        logback.close();
        redis.close();
    }

    private static void log(Logger logger, String label, int count) {
        for (int i = 0; i < count; i++) {
            logger.info("{} {}", label, i);
        }
    }

    /** Calls of {@code command} ({@code evalsha}, {@code script|load}, ...) in {@code INFO commandstats}. */
    private static long calls(RespClient client, String command) {
        Matcher m = Pattern.compile("cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)")
                .matcher((String) client.call("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void aScriptFlushedMidStreamIsLoadedAgainAndTheBatchSentOnce() {
        RedisAppender appender = TestAppenders.configure(logback, redis.uri(), prefix, BATCHES_OF_100);
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        try (RespClient client = redis.client()) {
            log(logger, "before", 300);
            await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 300);
            client.call("SCRIPT", "FLUSH");
            log(logger, "after", 300);
            await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 600);

            ReadBack stream = ReadBack.stream(redis, globalStream);
            stream.assertExactlyOnceInOrder("before", 300);
            stream.assertExactlyOnceInOrder("after", 300);
            assertThat(stream.size()).isEqualTo(600);
            // Loaded for the first batch and again after the flush; no attempt failed, none was retried.
            long loads = calls(client, "script|load");
            long evalshas = calls(client, "evalsha");
            assertThat(loads).isEqualTo(2);
            assertThat(evalshas).isEqualTo(6 + loads);
            assertThat(calls(client, "xadd")).isEqualTo(600);
            assertThat(stats.getFailedAttempts()).isZero();
            StatusAssertions.assertNoStatus(logback.context(), Status.WARN, REFUSED);
            System.out.printf(
                    "ScriptBatchWriterIT flush: %s; stream entries=%d, SCRIPT LOAD calls=%d, EVALSHA calls=%d%n",
                    stats, stream.size(), loads, evalshas);
        }
    }

    /** {@code -evalsha}: EVALSHA is denied; {@code -script}: EVALSHA answers NOSCRIPT and SCRIPT LOAD is denied. */
    @ParameterizedTest
    @ValueSource(strings = {"-evalsha", "-script"})
    void aUserDeniedScriptsGetsPipelinesAfterOneWarning(String denied) {
        try (RespClient client = redis.client()) {
            client.call("ACL", "SETUSER", "logger", "on", ">secret", "~*", "&*", "+@all", denied);
            RedisAppender appender = TestAppenders.configure(
                    logback, "redis://logger:secret@" + redis.host() + ":" + redis.port(), prefix, BATCHES_OF_100);
            AppenderStatsMXBean stats = appender.getStats();
            log(logback.logger("app"), "event", 500);
            await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 500);

            ReadBack stream = ReadBack.stream(redis, globalStream);
            stream.assertExactlyOnceInOrder("event", 500);
            assertThat(stream.size()).isEqualTo(500);
            assertThat(calls(client, "xadd")).isEqualTo(500);
            assertThat(stats.getFailedAttempts()).isZero();
            StatusAssertions.assertStatusCount(logback.context(), Status.WARN, REFUSED + " \\(NOPERM .*", 1);
            System.out.printf(
                    "ScriptBatchWriterIT %s: %s; stream entries=%d, EVALSHA calls=%d, warning: %s%n",
                    denied,
                    stats,
                    stream.size(),
                    calls(client, "evalsha"),
                    StatusAssertions.describe(logback.context())
                            .lines()
                            .filter(line -> line.contains("refused its Lua script"))
                            .findFirst()
                            .orElse("none"));
        }
    }

    @Test
    void anEventLargerThanAScriptCallsShareHasACallOfItsOwnInTheBatchsOrder() {
        int huge = 3_500_000; // characters of each of its three strings: about 10.5 MB of payload
        RedisAppender appender = TestAppenders.configure(
                logback,
                redis.uri(),
                prefix,
                TestAppenders.oneStreamBatchOf(11) + "<maxStringLength>" + (huge + 100) + "</maxStringLength>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger logger = logback.logger("app");
        log(logger, "small", 5);
        MDC.put("a", "a".repeat(huge));
        MDC.put("b", "b".repeat(huge));
        logger.info("huge {}", "h".repeat(huge));
        MDC.clear();
        log(logger, "late", 5);
        await().atMost(60, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 11);

        List<Integer> sizes = new ArrayList<>();
        try (RespClient client = new RespClient(redis.host(), redis.port(), Duration.ofSeconds(30))) {
            @SuppressWarnings("unchecked")
            List<List<Object>> entries = (List<List<Object>>) client.call("XRANGE", globalStream, "-", "+");
            for (List<Object> entry : entries) {
                sizes.add(((String) ((List<?>) entry.get(1)).get(1)).length());
            }
            // Three calls: the small events before it, the huge event alone, the small events after it.
            assertThat(calls(client, "evalsha")).isEqualTo(3 + calls(client, "script|load"));
        }
        assertThat(sizes).hasSize(11);
        assertThat(sizes.get(5)).isGreaterThan(3 * huge).isGreaterThan(ScriptBatchWriter.MAX_SCRIPT_BYTES);
        assertThat(stats.getFailedAttempts()).isZero();
        System.out.printf("ScriptBatchWriterIT huge: %s; payload sizes in the stream: %s%n", stats, sizes);
    }

    /**
     * Both writers report the same error replies per event: each event's global XADD fails (the key holds a string),
     * and events 1 and 3 also fail on their context's stream, also a string; the sink names all five as refused.
     */
    @ParameterizedTest
    @EnumSource(BatchCommand.class)
    void errorRepliesAreReportedPerEvent(BatchCommand command) throws Exception {
        try (RespClient client = redis.client()) {
            client.call("SET", globalStream, "not a stream");
            client.call("SET", "stream:" + prefix + ":bad", "not a stream");
        }
        RedisAppender appender = TestAppenders.configure(
                logback,
                redis.uri(),
                prefix,
                "<jmx>false</jmx><contextKey>job</contextKey><batchCommand>" + command + "</batchCommand>");
        RedisSink sink = (RedisSink) appender.createSink();
        List<ILoggingEvent> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LoggingEvent event =
                    new LoggingEvent(Logger.FQCN, logback.logger("app"), Level.INFO, "event " + i, null, null);
            event.setMDCPropertyMap(Map.of("job", i % 2 == 1 ? "bad" : "good"));
            batch.add(event);
        }
        try {
            sink.open();
            assertThatThrownBy(() -> sink.write(batch))
                    .isInstanceOfSatisfying(
                            PartialWriteException.class,
                            partial -> assertThat(partial.rejected().keySet()).containsExactly(0, 1, 2, 3, 4))
                    .hasMessageContaining(
                            "refused commands of 5 of the batch's 5 events (their other commands ran):" + " WRONGTYPE");
        } finally {
            sink.close();
        }

        assertThat(sink.lastEventErrors().stream().map(EventError::event)).containsExactly(0, 1, 1, 2, 3, 3, 4);
        assertThat(sink.lastEventErrors())
                .allSatisfy(error -> assertThat(error.error()).startsWith("WRONGTYPE"));
        // The other calls ran: every event is in the good context's stream or was refused by the bad one's.
        assertThat(ReadBack.stream(redis, "stream:" + prefix + ":good").messages())
                .containsExactly("event 0", "event 2", "event 4");
        System.out.printf("ScriptBatchWriterIT errors via %s: %s%n", command, sink.lastEventErrors());
    }
}
