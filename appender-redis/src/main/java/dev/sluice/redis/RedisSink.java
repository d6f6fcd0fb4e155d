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
 * Redis runs each attempt whole or a prefix of it, never a batch with holes: a batch that a reconnect split, or whose
 * replies did not come within commandTimeout, closes the connection rather than send or skip a part of it.
 */
final class RedisSink implements BatchSink<ILoggingEvent> {

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
            connect(); // the first connect never succeeded, or a timeout closed the connection
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
        if (splitAcrossConnections(replies)) {
            // Closing fails what waits in the new connection's buffer, so it is never sent.
            closeConnection();
        } else {
            link.connection().flushCommands();
        }
        awaitReplies(replies, batch.size());
    }

    /**
     * Whether the connection dropped while the batch was being queued and Lettuce reconnected before its end: the
     * commands queued before the drop failed, those after it wait in the new connection's buffer. Flushing them
     * would have Redis run the batch from its middle on, and a later flush would send them after all.
     */
    private static boolean splitAcrossConnections(List<RedisFuture<?>> replies) {
        boolean failed = false;
        boolean waiting = false;
        for (RedisFuture<?> reply : replies) {
            if (reply.toCompletableFuture().isCompletedExceptionally()) {
                failed = true;
            } else if (!reply.isDone()) {
                waiting = true;
            }
        }
        return failed && waiting;
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
            replies.add(redis.xadd(key, args, Map.of(LogEntry.STREAM_FIELD, payload)));
            if (ttlSeconds > 0) {
                ttls.put(key, ttlSeconds);
            }
        }
    }

    /**
     * Waits for every reply; any failure fails the batch, retryable unless Redis answered with an error that a later
     * attempt cannot get past. A reply still missing at the deadline closes the connection: Lettuce would otherwise
     * match the replies it still waits for (or never gets, in a blackhole) to the next batch's commands, and
     * cancelling the commands instead would drop unsent ones from the middle of the pipeline. Closed, the connection
     * fails what is pending and sends nothing more, so Redis has run a prefix of the batch at most, and the retry on
     * a new connection sends it whole.
     */
    private void awaitReplies(List<RedisFuture<?>> replies, int events) throws SinkException {
        long timeoutNanos = settings.commandTimeout().toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        Throwable refused = null;
        Throwable retryable = null;
        Throwable timedOut = null;
        for (RedisFuture<?> reply : replies) {
            Throwable failure = failureOf(reply, deadline);
            if (failure instanceof RedisCommandExecutionException && !isTransient(failure) && refused == null) {
                refused = failure;
            } else if (failure instanceof TimeoutException) {
                timedOut = failure;
            } else if (failure != null && retryable == null) {
                retryable = failure;
            }
        }
        if (timedOut != null) {
            closeConnection();
        }
        if (refused != null) {
            throw SinkException.permanent(
                    settings.displayUri() + " refused a command of the batch: " + refused.getMessage(), refused);
        }
        if (timedOut != null) {
            throw SinkException.retryable(
                    "no reply from " + settings.displayUri() + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms for a batch of " + events + " events; the connection is closed and the batch"
                            + " sent again on a new one, so part of it may arrive twice",
                    timedOut);
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
                        return e; // not cancelled: awaitReplies closes the connection (see there)
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

    /** Closes the connection; the next write opens a new one. */
    private void closeConnection() {
        RedisConnectionFactory.Link current = link;
        link = null;
        if (current != null) {
            current.connection().close();
        }
    }

    @Override
    public boolean isConnected() {
        RedisConnectionFactory.Link current = link;
        return current != null && current.connection().isOpen();
    }

    @Override
    public void close() {
        closeConnection();
        if (connections != null) {
            connections.shutdown();
            connections = null;
        }
    }
}
