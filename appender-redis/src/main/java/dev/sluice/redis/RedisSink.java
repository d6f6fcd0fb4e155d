package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import dev.sluice.core.BatchSink;
import dev.sluice.core.SinkException;
import java.util.List;
import java.util.Map;

/**
 * Writes each batch over one connection that only the worker uses, as one Lua script call
 * ({@link ScriptBatchWriter}, one Redis) or as one pipeline ({@link PipelineBatchWriter}, a Redis Cluster, or when
 * {@code batchCommand} says so or the server refuses scripts), then waits for every reply ({@link BatchReplies}).
 * Lettuce is told not to buffer ({@link RedisConnectionFactory}), so the core's queue is the only buffer and a failed
 * batch is retried whole. Redis runs each attempt whole or a prefix of it, never a batch with holes: a batch that a
 * reconnect split, or whose replies did not come within commandTimeout, closes the connection rather than send or
 * skip a part of it.
 */
final class RedisSink implements BatchSink<ILoggingEvent> {

    private final RedisSinkSettings settings;
    private final ContextAware status;
    private final String appenderName;
    private final PipelineBatchWriter pipeline;
    private ScriptBatchWriter script;
    private List<EventError> eventErrors = List.of();
    private RedisConnectionFactory connections;
    private volatile RedisConnectionFactory.Link link;

    RedisSink(RedisSinkSettings settings, ContextAware status, String appenderName) {
        this.settings = settings;
        this.status = status;
        this.appenderName = appenderName;
        this.pipeline = new PipelineBatchWriter(settings);
        this.script = settings.cluster() || settings.batchCommand() == BatchCommand.PIPELINE
                ? null
                : new ScriptBatchWriter(settings);
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
        byte[][] payloads = new byte[batch.size()][];
        String[] contextChannels = new String[batch.size()];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = settings.payload().apply(batch.get(i));
            contextChannels[i] = contextChannel(batch.get(i));
        }
        PreparedBatch prepared = new PreparedBatch(payloads, contextChannels);
        if (link == null) {
            connect(); // the first connect never succeeded, or a timeout closed the connection
        }
        link.beforeBatch().run();
        BatchReplies replies = new BatchReplies(link.connection(), settings.commandTimeout());
        try {
            if (script != null) {
                script.write(link, prepared, replies);
            } else {
                pipeline.write(link, prepared, 0, replies);
            }
        } catch (ScriptBatchWriter.ScriptsRefused refused) {
            script = null;
            status.addWarn("Appender [" + appenderName + "] writes its batches as pipelines from now on: "
                    + settings.displayUri() + " refused its Lua script (" + refused.getMessage() + ")");
            pipeline.write(link, prepared, refused.firstUnwritten, replies);
        }
        eventErrors = replies.eventErrors();
        if (replies.mustCloseConnection()) {
            closeConnection();
        }
        replies.throwIfFailed(settings.displayUri(), batch.size());
    }

    /**
     * The error replies of the last attempt, by event index in its batch ({@link EventError#BATCH} for an EXPIRE or
     * for a script call that failed as a whole); empty when the last attempt had none.
     */
    List<EventError> lastEventErrors() {
        return eventErrors;
    }

    private String contextChannel(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String id = mdc == null ? null : mdc.get(settings.contextKey());
        if (id == null || id.isEmpty()) {
            id = settings.defaultContextId();
        }
        return id == null ? null : settings.names().contextChannel(id);
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
