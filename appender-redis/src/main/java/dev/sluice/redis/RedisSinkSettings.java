package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.function.Function;

/**
 * What the worker needs to write a batch: where, to which channels and streams, how they are capped and expire, and
 * how an event becomes a payload.
 */
record RedisSinkSettings(
        RedisURI uri,
        String displayUri,
        RedisTarget target,
        ChannelNames names,
        String contextKey,
        String defaultContextId,
        long maxLen,
        long contextTtlSeconds,
        long globalTtlSeconds,
        Duration commandTimeout,
        Duration connectTimeout,
        int requestQueueSize,
        Function<ILoggingEvent, byte[]> payload) {}
