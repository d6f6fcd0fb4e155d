package dev.sluice.redis;

import dev.sluice.testing.LogbackTestContext;

/** A Redis appender named REDIS on the root logger of a test's context, configured through logback.xml. */
final class TestAppenders {

    private TestAppenders() {}

    /** {@code settings} are more elements of the appender, such as {@code <queueSize>100</queueSize>}. */
    static RedisAppender configure(LogbackTestContext logback, String uri, String prefix, String settings) {
        logback.configure("<configuration>"
                + "<appender name='REDIS' class='dev.sluice.redis.RedisAppender'>"
                + "<uri>" + uri + "</uri><channelPrefix>" + prefix + "</channelPrefix>" + settings + "</appender>"
                + "<root level='INFO'><appender-ref ref='REDIS'/></root></configuration>");
        return (RedisAppender) logback.context().getLogger("ROOT").getAppender("REDIS");
    }
}
