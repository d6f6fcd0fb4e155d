package dev.sluice.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch as one pipeline: per event a PUBLISH (or SPUBLISH) and/or an XADD ({@code MAXLEN ~}) to its context
 * channel and to the global channel, then one EXPIRE per stream key, one flush, and a wait for every reply. The same
 * code writes to one Redis and to a Redis Cluster, where Lettuce sends each command to the node serving its key's
 * slot. A batch that a reconnect split is not flushed: the connection is closed instead (see
 * {@link #splitAcrossConnections}), so Redis runs a prefix of the batch at most, never a batch with holes.
 */
final class PipelineBatchWriter {

    private final RedisSinkSettings settings;

    PipelineBatchWriter(RedisSinkSettings settings) {
        this.settings = settings;
    }

    /** Sends the events of the batch from {@code from} on and waits for their replies. */
    void write(RedisConnectionFactory.Link link, PreparedBatch batch, int from, BatchReplies replies) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        int expected = (batch.size() - from) * 4;
        List<RedisFuture<?>> sent = new ArrayList<>(expected);
        List<Integer> events = new ArrayList<>(expected);
        Map<String, Long> ttls = new LinkedHashMap<>();
        String globalChannel = settings.names().globalChannel();
        for (int i = from; i < batch.size(); i++) {
            byte[] payload = batch.payloads()[i];
            String contextChannel = batch.contextChannels()[i];
            if (contextChannel != null) {
                send(redis, i, contextChannel, payload, settings.contextTtlSeconds(), sent, events, ttls);
            }
            send(redis, i, globalChannel, payload, settings.globalTtlSeconds(), sent, events, ttls);
        }
        ttls.forEach((key, seconds) -> {
            sent.add(redis.expire(key, seconds));
            events.add(EventError.BATCH);
        });
        if (splitAcrossConnections(sent)) {
            // Closing fails what waits in the new connection's buffer, so it is never sent.
            link.connection().close();
            replies.closeConnection();
        } else {
            link.connection().flushCommands();
        }
        for (int k = 0; k < sent.size(); k++) {
            replies.await(events.get(k), sent.get(k));
        }
    }

    /**
     * Whether the connection dropped while the batch was being queued and Lettuce reconnected before its end: the
     * commands queued before the drop failed, those after it wait in the new connection's buffer. Flushing them
     * would have Redis run the batch from its middle on, and a later flush would send them after all.
     */
    private static boolean splitAcrossConnections(List<RedisFuture<?>> sent) {
        boolean failed = false;
        boolean waiting = false;
        for (RedisFuture<?> reply : sent) {
            if (reply.toCompletableFuture().isCompletedExceptionally()) {
                failed = true;
            } else if (!reply.isDone()) {
                waiting = true;
            }
        }
        return failed && waiting;
    }

    private void send(
            RedisClusterAsyncCommands<String, byte[]> redis,
            int event,
            String channel,
            byte[] payload,
            long ttlSeconds,
            List<RedisFuture<?>> sent,
            List<Integer> events,
            Map<String, Long> ttls) {
        if (settings.target().publishes()) {
            sent.add(settings.publishCommand().send(redis, channel, payload));
            events.add(event);
        }
        if (settings.target().streams()) {
            String key = ChannelNames.streamKey(channel);
            // XAddArgs is mutable and meant for one command: a fresh one each time.
            XAddArgs args = settings.maxLen() > 0
                    ? XAddArgs.Builder.maxlen(settings.maxLen()).approximateTrimming()
                    : new XAddArgs();
            sent.add(redis.xadd(key, args, Map.of(LogEntry.STREAM_FIELD, payload)));
            events.add(event);
            if (ttlSeconds > 0) {
                ttls.put(key, ttlSeconds);
            }
        }
    }
}
