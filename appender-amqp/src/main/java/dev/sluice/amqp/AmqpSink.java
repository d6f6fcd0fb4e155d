package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.core.Confirmations;
import dev.sluice.core.ConfirmingSink;
import dev.sluice.core.SinkException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes batches with publisher confirms over channels that only the worker uses ({@code channels}, one by default,
 * so that events keep their order), streaming: {@code write}
 * returns once a batch is published, and the broker's confirms, which come on the client's I/O thread, settle the
 * batches in the background; persistent messages to durable queues are confirmed once stored. At most
 * {@code confirmWindow} messages are in flight per channel, across batches. A settled batch is reported to the core: delivered,
 * except the events of messages returned as unroutable ({@code mandatory}), which are rejected. A NACK, a lost
 * connection or a confirm overdue by {@code confirmTimeout} makes the core flush the sink: it sends again, with the
 * same message ids, only what the broker has not confirmed ({@link ConfirmTracker}). The connection is the sink's own:
 * no automatic recovery, which would restart the sequence numbers behind the sink's back; the core's retry with backoff
 * reconnects.
 */
final class AmqpSink implements ConfirmingSink<ILoggingEvent> {

    private final AmqpSinkSettings settings;
    private final ContextAware status;
    private final String appenderName;
    private final MessageBuilder builder;
    private final Object blockedMonitor = new Object();
    private volatile String blockedReason;
    private volatile Connection connection;
    /** The publishing channels, empty when disconnected. */
    private volatile List<Channel> channels = List.of();

    private volatile Confirmations<ILoggingEvent> confirmations;
    private final ConfirmTracker tracker;
    /** Batches handed over and not yet reported, oldest first; the worker's. */
    private final ArrayDeque<PublishState> outstanding = new ArrayDeque<>();
    /** The batch being written, not yet handed over: the core's retry of the same events reuses it. */
    private PublishState current;

    AmqpSink(AmqpSinkSettings settings, ContextAware status, String appenderName) {
        this.settings = settings;
        this.status = status;
        this.appenderName = appenderName;
        this.builder = new MessageBuilder(
                settings.topology(), settings.service(), settings.body(), settings.eventsPerMessage());
        this.tracker = new ConfirmTracker(settings.mandatory(), this::report);
    }

    @Override
    public void confirmTo(Confirmations<ILoggingEvent> confirmations) {
        this.confirmations = confirmations;
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
            List<Channel> opening = new ArrayList<>(settings.channels());
            for (int i = 0; i < settings.channels(); i++) {
                opening.add(confirmingChannel(opened));
            }
            if (settings.declare()) {
                declare(opening.get(0));
            }
            connection = opened;
            channels = List.copyOf(opening);
        } catch (IOException | RuntimeException e) {
            abort(opened);
            throw SinkException.retryable("cannot set up a channel on " + settings.displayUri(), e);
        }
    }

    /** A channel in confirm mode whose confirms, returns and closing go to the tracker. */
    private Channel confirmingChannel(Connection opened) throws IOException {
        Channel opening = opened.createChannel();
        opening.confirmSelect();
        opening.addConfirmListener(
                (sequence, multiple) -> tracker.acked(opening, sequence, multiple),
                (sequence, multiple) -> tracker.nacked(opening, sequence, multiple));
        opening.addReturnListener(returned -> tracker.returned(
                opening,
                returned.getProperties().getMessageId(),
                returned.getReplyCode() + " " + returned.getReplyText() + ": exchange '" + returned.getExchange()
                        + "', routing key '" + returned.getRoutingKey() + "'"));
        opening.addShutdownListener(cause -> tracker.channelLost(opening));
        return opening;
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

    /**
     * Publishes what earlier batches still have to send again, then this batch, and hands it over without waiting for
     * its confirms.
     */
    @Override
    public void write(List<ILoggingEvent> batch) throws Exception {
        PublishState state = stateFor(batch);
        current = state;
        tracker.prune(outstanding);
        long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
        List<Channel> publishing = resendOutstanding(deadline);
        publishOrThrow(state, publishing, deadline);
        current = null;
        outstanding.add(state);
        tracker.accept(state);
    }

    @Override
    public boolean needsFlush() {
        tracker.prune(outstanding);
        return tracker.needsFlush(outstanding, settings.confirmTimeout().toNanos());
    }

    /** Sends again what the broker lost or refused, and waits until every handed-over batch is settled. */
    @Override
    public void flush() throws Exception {
        tracker.prune(outstanding);
        if (outstanding.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
        List<Channel> publishing = resendOutstanding(deadline);
        boolean confirmed = tracker.awaitNoneInFlight(deadline);
        tracker.prune(outstanding);
        if (!outstanding.isEmpty()) {
            throw unfinished(publishing, confirmed);
        }
    }

    /** Sends again, oldest batch first, what handed-over batches lost or had refused; returns the channels used. */
    private List<Channel> resendOutstanding(long deadline) throws Exception {
        List<Channel> publishing = publishingChannels(deadline);
        for (PublishState earlier : outstanding) {
            publishOrThrow(earlier, publishing, deadline);
        }
        return publishing;
    }

    /** The channels to publish on, connected if need be, once the broker does not block them. */
    private List<Channel> publishingChannels(long deadline) throws SinkException, InterruptedException {
        if (closedChannel(channels) != null || channels.isEmpty()) {
            disconnect();
            connect();
        }
        awaitUnblocked(deadline);
        List<Channel> publishing = channels;
        tracker.useChannels(publishing);
        Channel closed = closedChannel(publishing);
        if (closed != null) {
            // Closed before the tracker knew it: its shutdown listener was ignored.
            tracker.channelLost(closed);
        }
        return publishing;
    }

    private static Channel closedChannel(List<Channel> channels) {
        for (Channel channel : channels) {
            if (!channel.isOpen()) {
                return channel;
            }
        }
        return null;
    }

    private void publishOrThrow(PublishState state, List<Channel> publishing, long deadline) throws Exception {
        if (!publish(state, publishing, deadline)) {
            throw unfinished(publishing, false);
        }
    }

    /** Reports a settled batch to the core; on the client's I/O thread, or on the worker when it hands one over. */
    private void report(PublishState state) {
        Confirmations<ILoggingEvent> to = confirmations;
        if (to == null) {
            return;
        }
        int refused = 0;
        List<OutgoingMessage> messages = state.messages();
        for (int i = 0; i < messages.size(); i++) {
            String reason = state.returnReason(i);
            if (reason != null) {
                SinkException cause = SinkException.permanent(
                        settings.displayUri() + " returned the message as unroutable: " + reason, null);
                for (int event : messages.get(i).events()) {
                    to.rejected(state.event(event), cause);
                    refused++;
                }
            }
        }
        to.delivered(state.eventCount() - refused);
    }

    /** Why the attempt ended with messages unconfirmed; drops the connection unless the broker only blocked it. */
    private SinkException unfinished(List<Channel> publishing, boolean confirmed) {
        Channel closedChannel = closedChannel(publishing);
        ShutdownSignalException closed = closedChannel == null ? null : closedChannel.getCloseReason();
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
                settings.displayUri() + ": " + progress() + "; " + why
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

    /** Where the messages of the outstanding batches and of the batch being written stand, for status messages. */
    private String progress() {
        List<PublishState> states = new ArrayList<>(outstanding);
        if (current != null) {
            states.add(current);
        }
        return tracker.progress(states);
    }

    /** The state of this batch: the previous attempt's if this is a retry of the same events, else a new one. */
    private PublishState stateFor(List<ILoggingEvent> batch) {
        PublishState state = current;
        return state != null && state.isFor(batch) ? state : new PublishState(batch, builder.build(batch));
    }

    /** Publishes what is unsent within the window; false if the deadline passed or the broker blocked first. */
    private boolean publish(PublishState state, List<Channel> publishing, long deadline) throws Exception {
        for (int index : tracker.unsent(state)) {
            int lane = blockedReason != null ? -1 : tracker.awaitRoom(settings.confirmWindow(), deadline);
            if (lane < 0) {
                return false;
            }
            OutgoingMessage message = state.messages().get(index);
            Channel channel = publishing.get(lane);
            long sequence = channel.getNextPublishSeqNo();
            tracker.sending(state, index, lane, sequence);
            try {
                channel.basicPublish(
                        settings.topology().exchange(),
                        message.routingKey(),
                        settings.mandatory(),
                        message.properties(),
                        message.body());
            } catch (IOException | RuntimeException e) {
                tracker.notSent(lane, sequence);
                disconnect();
                throw SinkException.retryable(
                        "publishing to " + settings.displayUri() + " failed"
                                + (e instanceof ShutdownSignalException closed
                                        ? ", the channel was closed: " + closeReason(closed) + hint(closed)
                                        : "")
                                + ": " + progress() + "; the retry sends only those, with the same message ids",
                        e);
            }
        }
        return true;
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

    /** Drops the connection; the next write opens a new one. */
    private void disconnect() {
        Connection open = connection;
        connection = null;
        channels = List.of();
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
