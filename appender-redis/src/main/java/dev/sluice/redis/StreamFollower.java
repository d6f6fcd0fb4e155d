package dev.sluice.redis;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Follows one stream with {@code XREAD BLOCK} on its own connection and daemon thread, for {@link RedisLogReader}. An
 * outage pauses it; it resumes after the last entry it handed on.
 */
final class StreamFollower implements AutoCloseable {

    /** How long one XREAD blocks; also how long closing may wait for the thread to notice. */
    private static final Duration BLOCK = Duration.ofMillis(500);

    private static final int BATCH = 500;

    private final StatefulRedisConnection<String, byte[]> connection;
    private final String channel;
    private final Consumer<LogEntry> onEntry;
    private final Thread thread;
    private volatile boolean closed;
    private String lastId;

    StreamFollower(
            StatefulRedisConnection<String, byte[]> connection,
            String channel,
            String afterId,
            Consumer<LogEntry> onEntry) {
        this.connection = connection;
        this.channel = channel;
        this.onEntry = onEntry;
        this.lastId = afterId;
        this.thread = new Thread(this::run, "sluice-redis-follow-" + channel);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        String stream = ChannelNames.streamKey(channel);
        try {
            while (!closed) {
                List<StreamMessage<String, byte[]>> messages;
                try {
                    messages = connection
                            .sync()
                            .xread(
                                    XReadArgs.Builder.count(BATCH).block(BLOCK),
                                    XReadArgs.StreamOffset.from(stream, lastId));
                } catch (RuntimeException e) {
                    // Redis restarting or unreachable: Lettuce reconnects; carry on from the last id read.
                    LockSupport.parkNanos(BLOCK.toNanos());
                    continue;
                }
                if (messages == null) {
                    continue;
                }
                for (StreamMessage<String, byte[]> message : messages) {
                    lastId = message.getId();
                    onEntry.accept(LogEntry.of(channel, message));
                }
            }
        } finally {
            connection.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(BLOCK.toMillis() * 4);
    }
}
