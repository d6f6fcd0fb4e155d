package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.RespClient;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The appender against a private Redis that asks for a password ({@code requirepass}) and has ACL users: the
 * {@code logger} user has only what the appender needs, {@code noxadd} lacks XADD. Wrong credentials never stop
 * {@code start()}, are reported without the password, and every event is counted.
 */
class RedisAuthIT {

    private static final String PASSWORD = "Req-pass-4711";
    private static final String LOGGER_PASSWORD = "Acl-pass-0815";
    private static final String WRONG_PASSWORD = "Wrong-pass-1234";

    /** The minimal ACL rule of the README: PUBLISH, XADD and EXPIRE on the default prefix's channels and streams. */
    static final String MINIMAL_ACL = "resetchannels &logs:* %W~stream:logs:* -@all +publish +xadd +expire";

    /**
     * The README's rule for the script path: a script's keys need read and write access ({@code ~}), and EVALSHA and
     * SCRIPT LOAD.
     */
    static final String SCRIPT_ACL =
            "resetchannels &logs:* ~stream:logs:* -@all +publish +xadd +expire +evalsha +script|load";

    private static final String PIPELINES_FROM_NOW_ON = "writes its batches as pipelines from now on";

    @TempDir
    static Path directory;

    private static PrivateRedisProcess redis;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @BeforeAll
    static void startRedisWithUsers() {
        redis = PrivateRedisProcess.startServer(directory);
        redis.call(("ACL SETUSER logger on >" + LOGGER_PASSWORD + " " + MINIMAL_ACL).split(" "));
        redis.call(("ACL SETUSER scripter on >" + LOGGER_PASSWORD + " " + SCRIPT_ACL).split(" "));
        redis.call(("ACL SETUSER noxadd on >" + LOGGER_PASSWORD + " " + MINIMAL_ACL + " -xadd").split(" "));
        redis.call("CONFIG", "SET", "requirepass", PASSWORD);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** A client logged in as the default user, to read back what the appender wrote. */
    private static RespClient admin() {
        RespClient client = redis.client();
        client.call("AUTH", PASSWORD);
        return client;
    }

    private String uri(String credentials) {
        return "redis://" + credentials + "@127.0.0.1:" + redis.port();
    }

    private RedisAppender configure(String credentials, String settings) {
        return TestAppenders.configure(logback, uri(credentials), "logs", "<jmx>false</jmx>" + settings);
    }

    @Test
    void thePasswordOfRequirepassLetsEveryEventThrough() {
        RedisAppender appender = configure(":" + PASSWORD, "<globalChannel>requirepass</globalChannel>");
        TestAppenders.log(logback, "event", 200);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 200);

        try (RespClient admin = admin()) {
            ReadBack.stream(admin, "stream:logs:requirepass").assertExactlyOnceInOrder("event", 200);
        }
        StatusAssertions.assertNoErrors(logback.context());
        TestAppenders.assertNoStatusMentions(logback.context(), PASSWORD);
    }

    @Test
    void anAclUserWithTheMinimalRuleWritesChannelsStreamsAndTtlsThroughPipelines() {
        writesChannelsStreamsAndTtlsAs("logger", "acl");
        StatusAssertions.assertStatus(logback.context(), Status.WARN, PIPELINES_FROM_NOW_ON);
    }

    @Test
    void anAclUserWithTheScriptRuleWritesChannelsStreamsAndTtlsThroughTheScript() {
        writesChannelsStreamsAndTtlsAs("scripter", "script");
        assertThat(TestAppenders.statusTexts(logback.context(), Status.WARN)).doesNotContain(PIPELINES_FROM_NOW_ON);
        try (RespClient admin = admin()) {
            assertThat((String) admin.call("INFO", "commandstats")).contains("cmdstat_evalsha:calls=");
        }
    }

    private void writesChannelsStreamsAndTtlsAs(String user, String channel) {
        RedisAppender appender =
                configure(user + ":" + LOGGER_PASSWORD, "<globalChannel>" + channel + "</globalChannel>");
        Logger logger = logback.logger("app");
        MDC.put("user_id", channel + "-job");
        for (int i = 0; i < 100; i++) {
            logger.info("job {}", i);
        }
        MDC.remove("user_id");
        for (int i = 0; i < 50; i++) {
            logger.info("other {}", i);
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDelivered() == 150);

        try (RespClient admin = admin()) {
            ReadBack global = ReadBack.stream(admin, "stream:logs:" + channel);
            assertThat(global.size()).isEqualTo(150);
            global.assertExactlyOnceInOrder("job", 100);
            global.assertExactlyOnceInOrder("other", 50);
            ReadBack.stream(admin, "stream:logs:" + channel + "-job").assertExactlyOnceInOrder("job", 100);
            assertThat((Long) admin.call("TTL", "stream:logs:" + channel + "-job"))
                    .isBetween(1L, 3600L);
        }
        assertThat(appender.getStats().getFailedAttempts()).isZero();
        StatusAssertions.assertNoErrors(logback.context());
        TestAppenders.assertNoStatusMentions(logback.context(), LOGGER_PASSWORD);
    }

    @Test
    void aWrongPasswordNeverStopsStartIsReportedWithoutThePasswordAndEveryEventIsCounted() {
        RedisAppender appender = configure(
                "logger:" + WRONG_PASSWORD,
                "<queueSize>10</queueSize><shutdownGracePeriod>200 milliseconds</shutdownGracePeriod>");
        assertThat(appender.isStarted()).isTrue();

        TestAppenders.log(logback, "event", 25);
        StatusAssertions.awaitStatus(logback.context(), Status.WARN, "\\[REDIS\\] failed to open its sink");
        // Now and then Lettuce reports the first refused handshake as "Connection closed prematurely"; a later
        // attempt (reported at the 2nd and 4th) names the credentials.
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> TestAppenders.statusTexts(logback.context(), Status.WARN)
                        .contains("Redis refused the credentials (WRONGPASS"));
        assertThat(TestAppenders.statusTexts(logback.context(), Status.WARN))
                .contains("cannot connect to redis://127.0.0.1:" + redis.port() + "/0");
        assertThat(appender.getStats().getDroppedQueueFull()).isEqualTo(15);
        logback.context().stop();

        assertThat(appender.getStats().getDroppedShutdown()).isEqualTo(10);
        assertThat(appender.getStats().getDelivered()).isZero();
        TestAppenders.assertNoStatusMentions(logback.context(), WRONG_PASSWORD);
    }

    @Test
    void aUserWithoutXaddHasEachEventRejectedCountedAndReported() {
        RedisAppender appender = configure(
                "noxadd:" + LOGGER_PASSWORD,
                TestAppenders.oneStreamBatchOf(10) + "<globalChannel>noxadd</globalChannel>");
        TestAppenders.log(logback, "event", 10);
        await().atMost(60, TimeUnit.SECONDS).until(() -> appender.getStats().getDroppedRejectedBySink() == 10);

        // Each event's XADD was refused and its PUBLISH ran: the sink names the 10 events, none is written again.
        assertThat(appender.getStats().getFailedAttempts()).isZero();
        assertThat(appender.getStats().getDelivered()).isZero();
        StatusAssertions.assertStatus(
                logback.context(), Status.ERROR, "\\[REDIS\\] dropped an event its sink rejected permanently");
        assertThat(TestAppenders.statusTexts(logback.context(), Status.ERROR))
                .contains("redis://127.0.0.1:" + redis.port()
                        + "/0 refused a command of the event (its other commands ran):" + " NOPERM");
        try (RespClient admin = admin()) {
            assertThat(admin.call("EXISTS", "stream:logs:noxadd")).isEqualTo(0L);
        }
        TestAppenders.assertNoStatusMentions(logback.context(), LOGGER_PASSWORD);
    }
}
