/**
 * Redis appender: PUBLISH and capped XADD per MDC context channel and a global channel, pipelined per batch over
 * Lettuce, to one Redis or to a Redis Cluster ({@link dev.sluice.redis.RedisAppender}).
 */
package dev.sluice.redis;
