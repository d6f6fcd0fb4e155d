package dev.sluice.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * How an event is published: {@code PUBLISH} (classic pub/sub; in a Cluster every node forwards it to every other
 * node) or {@code SPUBLISH} (sharded pub/sub, Redis 7+: only the shard owning the channel's slot sees it, and
 * subscribers must use {@code SSUBSCRIBE}, which has no pattern form).
 */
enum PublishCommand {
    PUBLISH {
        @Override
        RedisFuture<Long> send(RedisClusterAsyncCommands<String, byte[]> redis, String channel, byte[] payload) {
            return redis.publish(channel, payload);
        }
    },
    SPUBLISH {
        @Override
        RedisFuture<Long> send(RedisClusterAsyncCommands<String, byte[]> redis, String channel, byte[] payload) {
            return redis.spublish(channel, payload);
        }
    };

    abstract RedisFuture<Long> send(RedisClusterAsyncCommands<String, byte[]> redis, String channel, byte[] payload);
}
