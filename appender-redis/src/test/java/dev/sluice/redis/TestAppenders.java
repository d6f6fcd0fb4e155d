package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import dev.sluice.testing.LogbackTestContext;

/** A Redis appender named REDIS on the root logger of a test's context, configured through logback.xml. */
final class TestAppenders {

    private TestAppenders() {}

    /**
     * Settings that write {@code events} events as one batch to the global stream only, uncapped: the worker waits
     * until the whole batch is queued, then retries it whole.
     */
    static String oneStreamBatchOf(int events) {
        return "<jmx>false</jmx><target>STREAM</target><maxLen>0</maxLen><queueSize>" + events + "</queueSize>"
                + "<batchSize>" + events + "</batchSize><maxBatchDelay>5 seconds</maxBatchDelay>";
    }

    /** {@code settings} are more elements of the appender, such as {@code <queueSize>100</queueSize>}. */
    static RedisAppender configure(LogbackTestContext logback, String uri, String prefix, String settings) {
        logback.configure("<configuration>"
                + "<appender name='REDIS' class='dev.sluice.redis.RedisAppender'>"
                + "<uri>" + uri + "</uri><channelPrefix>" + prefix + "</channelPrefix>" + settings + "</appender>"
                + "<root level='INFO'><appender-ref ref='REDIS'/></root></configuration>");
        return (RedisAppender) logback.context().getLogger("ROOT").getAppender("REDIS");
    }

    /** Logs {@code "<label> 0"} to {@code "<label> n-1"} at INFO on logger {@code app}. */
    static void log(LogbackTestContext logback, String label, int events) {
        for (int i = 0; i < events; i++) {
            logback.logger("app").info(label + " {}", i);
        }
    }

    /** Fails if any status of {@code context}, its message or its throwable's chain, mentions {@code secret}. */
    static void assertNoStatusMentions(Context context, String secret) {
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            assertThat(status.getMessage()).as("a status message").doesNotContain(secret);
            for (Throwable cause = status.getThrowable(); cause != null; cause = cause.getCause()) {
                assertThat(String.valueOf(cause)).as("a status's throwable").doesNotContain(secret);
            }
        }
    }

    /** The message of every status at {@code level} with its throwable's chain, one status a line. */
    static String statusTexts(Context context, int level) {
        StringBuilder text = new StringBuilder();
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getLevel() == level) {
                text.append(status.getMessage());
                for (Throwable cause = status.getThrowable(); cause != null; cause = cause.getCause()) {
                    text.append(" <- ").append(cause);
                }
                text.append('\n');
            }
        }
        return text.toString();
    }
}
