package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.core.BatchSink;
import dev.sluice.core.PartialWriteException;
import dev.sluice.core.SinkException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes each batch with publisher confirms over one channel that only the worker uses, and returns once the
 * broker has confirmed every message: persistent messages to durable queues are confirmed once stored. At most
 * {@code confirmWindow} messages are in flight. A message returned as unroutable ({@code mandatory}) is refused:
 * its events are rejected, the rest of the batch delivered. A NACK, a confirm timeout or a lost connection fails the
 * attempt retryably; the retry of the same batch sends only the messages the broker has not confirmed, with the same
 * message ids ({@link PublishState}). The connection is the sink's own: no automatic recovery, which would restart
 * the sequence numbers behind the sink's back; the core's retry with backoff reconnects.
 */
final class AmqpSink implements BatchSink<ILoggingEvent> {

    private final AmqpSinkSettings settings;
    private final ContextAware status;
    private final String appenderName;
    private final MessageBuilder builder;
    private final Object blockedMonitor = new Object();
    private volatile String blockedReason;
    private volatile Connection connection;
    private volatile Channel channel;
    private volatile PublishState current;

    AmqpSink(AmqpSinkSettings settings, ContextAware status, String appenderName) {
        this.settings = settings;
        this.status = status;
        this.appenderName = appenderName;
        this.builder = new MessageBuilder(
                settings.topology(), settings.service(), settings.body(), settings.eventsPerMessage());
    }

    @Override
    public void open() throws SinkException {
        connect();
    }

    private void connect() throws SinkException {
        Connection opened;
        try {
            opened = settings.factory().newConnection(settings.addresses(), settings.connectionName());
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw SinkException.retryable("cannot connect to " + settings.displayUri(), e);
        }
        try {
            opened.addBlockedListener(this::blocked, this::unblocked);
            Channel opening = opened.createChannel();
            opening.confirmSelect();
            opening.addConfirmListener(
                    (sequence, multiple) -> {
                        PublishState state = stateOn(opening);
                        if (state != null) {
                            state.acked(sequence, multiple);
                        }
                    },
                    (sequence, multiple) -> {
                        PublishState state = stateOn(opening);
                        if (state != null) {
                            state.nacked(sequence, multiple);
                        }
                    });
            opening.addReturnListener(returned -> {
                PublishState state = stateOn(opening);
                if (state != null) {
                    state.returned(
                            returned.getProperties().getMessageId(),
                            returned.getReplyCode() + " " + returned.getReplyText() + ": exchange '"
                                    + returned.getExchange() + "', routing key '" + returned.getRoutingKey() + "'");
                }
            });
            opening.addShutdownListener(cause -> channelLost(opening));
            if (settings.declare()) {
                declare(opening);
            }
            connection = opened;
            channel = opening;
        } catch (IOException | RuntimeException e) {
            abort(opened);
            throw SinkException.retryable("cannot set up a channel on " + settings.displayUri(), e);
        }
    }

    private void declare(Channel opening) throws SinkException {
        try {
            settings.topology().declare(opening, settings.service());
        } catch (IOException e) {
            String reason = reasonOf(e);
            throw SinkException.retryable(
                    "cannot declare exchange '" + settings.topology().exchange() + "' and the queues of service '"
                            + settings.service() + "' on " + settings.displayUri() + ": " + reason
                            + (reason.contains("PRECONDITION_FAILED")
                                    ? " (it exists with other arguments: align exchangeType, messageTtl, maxLength,"
                                            + " overflow and queueType with it, or set declare to false)"
                                    : ""),
                    e);
        }
    }

    private static String reasonOf(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownSignalException shutdown && shutdown.getReason() != null) {
                return closeReason(shutdown);
            }
        }
        return String.valueOf(e);
    }

    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        PublishState state = stateFor(batch);
        if (channel == null || !channel.isOpen()) {
            disconnect();
            connect();
        }
        long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
        awaitUnblocked(deadline);
        Channel publishing = channel;
        state.useChannel(publishing);
        current = state;
        if (!publishing.isOpen()) {
            // Closed before this state was current: its shutdown listener told no one.
            state.channelLost(publishing);
        }
        boolean confirmed = publish(state, publishing, deadline) && state.awaitConfirms(deadline);
        if (state.done()) {
            finish(state);
            return;
        }
        throw unfinished(state, publishing, confirmed);
    }

    /** Why the attempt ended with messages unconfirmed; drops the connection unless the broker only blocked it. */
    private SinkException unfinished(PublishState state, Channel publishing, boolean confirmed) {
        ShutdownSignalException closed = publishing.getCloseReason();
        String blocked = blockedReason;
        String why;
        if (closed != null) {
            why = "the channel was closed: " + closeReason(closed) + hint(closed);
            disconnect();
        } else if (blocked != null) {
            why = "the broker has blocked the connection: " + blocked;
        } else if (!confirmed) {
            // No confirm in time on a connection the broker has not blocked: a dead or stalled connection.
            why = "no confirm within " + settings.confirmTimeout().toMillis() + " ms";
            disconnect();
        } else {
            why = "the broker refused messages (NACK: a queue full with x-overflow reject-publish, or an internal"
                    + " error)";
        }
        return SinkException.retryable(
                settings.displayUri() + ": " + state.progress() + "; " + why
                        + "; the retry sends only those, with the same message ids",
                closed);
    }

    /** The broker's reply code and text when it closed the channel or connection, else what ended it. */
    private static String closeReason(ShutdownSignalException closed) {
        Object reason = closed.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        return closed.getMessage() + (closed.getCause() != null ? ": " + closed.getCause() : "");
    }

    private String hint(ShutdownSignalException closed) {
        return closed.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND
                ? " (" + (settings.declare() ? "" : "declare is false, so ") + "the exchange '"
                        + settings.topology().exchange() + "' must exist; events wait in the queue until it does)"
                : "";
    }

    /** The state of this batch: the previous attempt's if this is a retry of the same events, else a new one. */
    private PublishState stateFor(List<ILoggingEvent> batch) {
        PublishState state = current;
        return state != null && state.isFor(batch) ? state : new PublishState(batch, builder.build(batch));
    }

    /** Publishes what is unsent within the window; false if the deadline passed or the broker blocked first. */
    private boolean publish(PublishState state, Channel publishing, long deadline) throws Exception {
        for (int index : state.unsent()) {
            if (blockedReason != null || !state.awaitWindow(settings.confirmWindow(), deadline)) {
                return false;
            }
            OutgoingMessage message = state.messages().get(index);
            long sequence = publishing.getNextPublishSeqNo();
            state.sending(index, sequence);
            try {
                publishing.basicPublish(
                        settings.topology().exchange(),
                        message.routingKey(),
                        settings.mandatory(),
                        message.properties(),
                        message.body());
            } catch (IOException | RuntimeException e) {
                state.notSent(index, sequence);
                disconnect();
                throw SinkException.retryable(
                        "publishing to " + settings.displayUri() + " failed"
                                + (e instanceof ShutdownSignalException closed
                                        ? ", the channel was closed: " + closeReason(closed) + hint(closed)
                                        : "")
                                + ": " + state.progress() + "; the retry sends only those, with the same message ids",
                        e);
            }
        }
        return true;
    }

    /** The batch is settled: delivered, except the events of returned messages, which are refused. */
    private void finish(PublishState state) throws PartialWriteException {
        current = null;
        Map<Integer, String> returns = state.returns();
        if (returns.isEmpty()) {
            return;
        }
        Map<Integer, Throwable> refused = new TreeMap<>();
        returns.forEach((index, reason) -> {
            SinkException cause = SinkException.permanent(
                    settings.displayUri() + " returned the message as unroutable: " + reason, null);
            for (int event : state.messages().get(index).events()) {
                refused.put(event, cause);
            }
        });
        throw new PartialWriteException(
                refused.size() + " events were unroutable on " + settings.displayUri() + ": "
                        + returns.values().iterator().next(),
                refused);
    }

    private void awaitUnblocked(long deadline) throws SinkException, InterruptedException {
        synchronized (blockedMonitor) {
            while (blockedReason != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw SinkException.retryable(
                            "the broker " + settings.displayUri() + " has blocked the connection (" + blockedReason
                                    + "): nothing is published until it unblocks it; events wait in the queue",
                            null);
                }
                TimeUnit.NANOSECONDS.timedWait(blockedMonitor, left);
            }
        }
    }

    /** Called on the client's I/O thread; the status manager is thread-safe. */
    private void blocked(String reason) {
        blockedReason = reason == null ? "no reason given" : reason;
        status.addWarn("Appender [" + appenderName + "]: " + settings.displayUri()
                + " has blocked the connection (" + blockedReason + "): nothing is published until it unblocks it;"
                + " events wait in the queue, then are dropped and counted (queue_full).");
    }

    private void unblocked() {
        synchronized (blockedMonitor) {
            blockedReason = null;
            blockedMonitor.notifyAll();
        }
        status.addInfo("Appender [" + appenderName + "]: " + settings.displayUri() + " has unblocked the connection.");
    }

    /** The batch being published on {@code from}, or null: confirms and returns of a replaced channel are stale. */
    private PublishState stateOn(Channel from) {
        PublishState state = current;
        return state != null && from == channel ? state : null;
    }

    private void channelLost(Channel lost) {
        PublishState state = current;
        if (state != null) {
            state.channelLost(lost);
        }
    }

    /** Drops the connection; the next write opens a new one. */
    private void disconnect() {
        Connection open = connection;
        connection = null;
        channel = null;
        synchronized (blockedMonitor) {
            blockedReason = null;
        }
        if (open != null) {
            abort(open);
        }
    }

    private static void abort(Connection open) {
        open.abort(1000); // closes without waiting for a dead or blocked broker beyond a second
    }

    @Override
    public boolean isConnected() {
        Connection open = connection;
        return open != null && open.isOpen();
    }

    @Override
    public void close() {
        disconnect();
    }
}
