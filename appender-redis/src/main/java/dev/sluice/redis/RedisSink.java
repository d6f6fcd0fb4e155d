package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.BatchSink;
import dev.sluice.core.SinkException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes each batch as one pipeline over one connection that only the worker uses: per event a PUBLISH (or SPUBLISH)
 * and/or an XADD ({@code MAXLEN ~}) to its context channel and to the global channel, then one EXPIRE per stream key,
 * one flush, and a wait for every reply. Lettuce is told not to buffer ({@link RedisConnectionFactory}), so the core's
 * queue is the only buffer and a failed batch is retried whole. The same code writes to one Redis and to a Redis
 * Cluster, where Lettuce sends each command to the node serving its key's slot.
 */
final class RedisSink implements BatchSink<ILoggingEvent> {

    private static final String STREAM_FIELD = "data";

    /**
     * How often the wait for replies flushes again. In a cluster, Lettuce writes a command redirected by MOVED or ASK
     * again after the batch's flush, to the node named in the redirect: without another flush it would wait there.
     */
    private static final long REFLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Error replies that a later attempt can get past (see {@link #isTransient}). */
    private static final List<String> TRANSIENT_ERRORS =
            List.of("CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "LOADING", "BUSY");

    private final RedisSinkSettings settings;
    private RedisConnectionFactory connections;
    private volatile RedisConnectionFactory.Link link;

    RedisSink(RedisSinkSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws SinkException {
        if (connections == null) {
            connections = new RedisConnectionFactory(settings);
        }
        connect();
    }

    private void connect() throws SinkException {
        try {
            link = connections.connect();
        } catch (RuntimeException e) {
            throw SinkException.retryable("cannot connect to " + settings.displayUri(), e);
        }
    }

    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        // Every payload first: an event that cannot be encoded fails the batch before any command is sent.
        List<byte[]> payloads = new ArrayList<>(batch.size());
        for (ILoggingEvent event : batch) {
            payloads.add(settings.payload().apply(event));
        }
        if (link == null) {
            connect(); // the first connect never succeeded; later reconnects are Lettuce's
        }
        link.beforeBatch().run();
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        List<RedisFuture<?>> replies = new ArrayList<>(batch.size() * 4);
        Map<String, Long> ttls = new LinkedHashMap<>();
        ChannelNames names = settings.names();
        for (int i = 0; i < batch.size(); i++) {
            String contextChannel = contextChannel(batch.get(i));
            if (contextChannel != null) {
                send(redis, contextChannel, payloads.get(i), settings.contextTtlSeconds(), replies, ttls);
            }
            send(redis, names.globalChannel(), payloads.get(i), settings.globalTtlSeconds(), replies, ttls);
        }
        ttls.forEach((key, seconds) -> replies.add(redis.expire(key, seconds)));
        link.connection().flushCommands();
        awaitReplies(replies, batch.size());
    }

    private String contextChannel(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String id = mdc == null ? null : mdc.get(settings.contextKey());
        if (id == null || id.isEmpty()) {
            id = settings.defaultContextId();
        }
        return id == null ? null : settings.names().contextChannel(id);
    }

    private void send(
            RedisClusterAsyncCommands<String, byte[]> redis,
            String channel,
            byte[] payload,
            long ttlSeconds,
            List<RedisFuture<?>> replies,
            Map<String, Long> ttls) {
        if (settings.target().publishes()) {
            replies.add(settings.publishCommand().send(redis, channel, payload));
        }
        if (settings.target().streams()) {
            String key = ChannelNames.streamKey(channel);
            // XAddArgs is mutable and meant for one command: a fresh one each time.
            XAddArgs args = settings.maxLen() > 0
                    ? XAddArgs.Builder.maxlen(settings.maxLen()).approximateTrimming()
                    : new XAddArgs();
            replies.add(redis.xadd(key, args, Map.of(STREAM_FIELD, payload)));
            if (ttlSeconds > 0) {
                ttls.put(key, ttlSeconds);
            }
        }
    }

    /**
     * Waits for every reply; any failure fails the batch, retryable unless Redis answered with an error that a later
     * attempt cannot get past.
     */
    private void awaitReplies(List<RedisFuture<?>> replies, int events) throws SinkException {
        long timeoutNanos = settings.commandTimeout().toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        Throwable retryable = null;
        for (RedisFuture<?> reply : replies) {
            Throwable failure = failureOf(reply, deadline);
            if (failure instanceof RedisCommandExecutionException && !isTransient(failure)) {
                throw SinkException.permanent(
                        settings.displayUri() + " refused a command of the batch: " + failure.getMessage(), failure);
            }
            if (failure != null && retryable == null) {
                retryable = failure;
            }
        }
        if (retryable instanceof TimeoutException) {
            throw SinkException.retryable(
                    "no reply from " + settings.displayUri() + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms for a batch of " + events + " events; it is sent again, and may arrive twice",
                    retryable);
        }
        if (retryable != null) {
            throw SinkException.retryable(
                    "a batch of " + events + " events to " + settings.displayUri() + " failed: " + retryable,
                    retryable);
        }
    }

    /**
     * Whether an error reply says "not now" rather than "never": a cluster without a full view of its slots (a
     * failover, a reshard), a server loading its data, or one busy with a script.
     */
    private static boolean isTransient(Throwable error) {
        String message = String.valueOf(error.getMessage());
        return TRANSIENT_ERRORS.stream().anyMatch(message::startsWith);
    }

    /** The reply's failure, a {@link TimeoutException} past the deadline, or null when it succeeded. */
    private Throwable failureOf(RedisFuture<?> reply, long deadline) {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    reply.get(Math.max(0, Math.min(left, REFLUSH_NANOS)), TimeUnit.NANOSECONDS);
                    return null;
                } catch (TimeoutException e) {
                    if (left <= REFLUSH_NANOS) {
                        reply.cancel(false);
                        return e;
                    }
                    link.connection().flushCommands(); // commands written after the batch's flush (see REFLUSH_NANOS)
                }
            }
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (RuntimeException e) {
            return e; // cancelled
        }
    }

    @Override
    public boolean isConnected() {
        RedisConnectionFactory.Link current = link;
        return current != null && current.connection().isOpen();
    }

    @Override
    public void close() {
        RedisConnectionFactory.Link current = link;
        link = null;
        if (current != null) {
            current.connection().close();
        }
        if (connections != null) {
            connections.shutdown();
            connections = null;
        }
    }
}
