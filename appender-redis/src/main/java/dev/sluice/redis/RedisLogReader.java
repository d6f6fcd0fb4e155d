package dev.sluice.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reads what {@link RedisAppender} wrote: a context's stream from an entry id ({@code XREAD BLOCK}), a stream followed
 * on a thread of its own, or a channel live ({@code SUBSCRIBE}). Channel names are derived exactly as the appender
 * derives them, so a reader built with the same prefix, global channel and id length finds a context by its MDC value.
 *
 * <pre>{@code
 * try (RedisLogReader reader = RedisLogReader.connect("redis://127.0.0.1:6379")) {
 *     String channel = reader.contextChannel("job-42");
 *     for (LogEntry entry : reader.read(channel, "0", 100, Duration.ofSeconds(1))) {
 *         System.out.println(entry.event().getFormattedMessage());
 *     }
 * }
 * }</pre>
 */
public final class RedisLogReader implements AutoCloseable {

    private static final RedisCodec<String, byte[]> CODEC = RedisConnectionFactory.CODEC;

    private final RedisClient client;
    private final ChannelNames names;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final List<AutoCloseable> followers = new ArrayList<>();

    private RedisLogReader(String uri, String channelPrefix, String globalChannel, int maxContextIdLength) {
        this.client = RedisClient.create(uri);
        this.names = new ChannelNames(channelPrefix, channelPrefix + ":" + globalChannel, maxContextIdLength);
        try {
            this.connection = client.connect(CODEC);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A reader with the appender's default channel naming ({@code logs:<id>}, {@code logs:global}). */
    public static RedisLogReader connect(String uri) {
        return connect(
                uri,
                RedisAppender.DEFAULT_CHANNEL_PREFIX,
                RedisAppender.DEFAULT_GLOBAL_CHANNEL,
                RedisAppender.DEFAULT_MAX_CONTEXT_ID_LENGTH);
    }

    /** A reader for an appender configured with these {@code channelPrefix}, {@code globalChannel}, id length. */
    public static RedisLogReader connect(
            String uri, String channelPrefix, String globalChannel, int maxContextIdLength) {
        return new RedisLogReader(uri, channelPrefix, globalChannel, maxContextIdLength);
    }

    /** The channel the appender uses for events whose MDC names this context. */
    public String contextChannel(String contextId) {
        return names.contextChannel(Objects.requireNonNull(contextId, "contextId"));
    }

    /** The global channel, which every event reaches. */
    public String globalChannel() {
        return names.globalChannel();
    }

    /**
     * Reads up to {@code max} entries of the channel's stream after {@code afterId} ({@code "0"}: from the start;
     * {@code "$"}: only entries added from now on), waiting up to {@code block} for the first one (zero: don't wait).
     *
     * @return the entries in stream order; empty when none arrived in time
     */
    public List<LogEntry> read(String channel, String afterId, int max, Duration block) {
        XReadArgs args = XReadArgs.Builder.count(max);
        if (!block.isZero()) {
            args.block(block);
        }
        String stream = ChannelNames.streamKey(channel);
        List<StreamMessage<String, byte[]>> messages =
                connection.sync().xread(args, XReadArgs.StreamOffset.from(stream, afterId));
        List<LogEntry> entries = new ArrayList<>(messages == null ? 0 : messages.size());
        if (messages != null) {
            for (StreamMessage<String, byte[]> message : messages) {
                entries.add(LogEntry.of(channel, message));
            }
        }
        return entries;
    }

    /**
     * Follows the channel's stream after {@code afterId} on a daemon thread of its own, handing each entry to
     * {@code onEntry} in order, until the returned handle (or this reader) is closed.
     */
    public AutoCloseable follow(String channel, String afterId, Consumer<LogEntry> onEntry) {
        StreamFollower follower = new StreamFollower(client.connect(CODEC), channel, afterId, onEntry);
        follower.start();
        synchronized (followers) {
            followers.add(follower);
        }
        return follower;
    }

    /** Receives the channel's messages live (pub/sub: only while subscribed, no history) until the handle is closed. */
    public AutoCloseable subscribe(String channel, Consumer<LogEntry> onEntry) {
        StatefulRedisPubSubConnection<String, byte[]> pubSub = client.connectPubSub(CODEC);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, byte[] message) {
                onEntry.accept(new LogEntry(from, null, message));
            }
        });
        pubSub.sync().subscribe(channel);
        AtomicBoolean closed = new AtomicBoolean();
        AutoCloseable handle = () -> {
            if (closed.compareAndSet(false, true)) {
                pubSub.close();
            }
        };
        synchronized (followers) {
            followers.add(handle);
        }
        return handle;
    }

    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (followers) {
            open = new ArrayList<>(followers);
            followers.clear();
        }
        for (AutoCloseable each : open) {
            try {
                each.close();
            } catch (Exception ignored) {
                // closing what is already broken
            }
        }
        connection.close();
        client.shutdown();
    }
}
