/**
 * The Redis benchmark: the {@code RedisAppender} end to end against the {@code redis-benchmark} limit and the
 * {@code com.cwbase} appender behind Logback's {@code AsyncAppender}, on a private {@code redis-server}. Run it with
 * {@code scripts/bench redis}; see {@link dev.sluice.bench.redis.RedisBench}.
 */
package dev.sluice.bench.redis;
