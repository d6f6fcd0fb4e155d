package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What the worker needs to write a batch: where (one Redis, or the seed nodes of a cluster), to which channels and
 * streams, how they are capped and expire, and how an event becomes a payload. {@code sslOptions} is null unless TLS
 * files are configured.
 */
record RedisSinkSettings(
        List<RedisURI> uris,
        boolean cluster,
        Duration clusterRefreshPeriod,
        String displayUri,
        SslOptions sslOptions,
        RedisTarget target,
        PublishCommand publishCommand,
        BatchCommand batchCommand,
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
