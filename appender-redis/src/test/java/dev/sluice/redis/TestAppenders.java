package dev.sluice.redis;

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
}
