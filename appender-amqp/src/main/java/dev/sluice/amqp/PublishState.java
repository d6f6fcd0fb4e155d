package dev.sluice.amqp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Where each message of one batch stands with the broker, across the attempts at that batch: not sent, in flight
 * under a publish sequence number of the current channel, confirmed, or returned as unroutable. The worker publishes
 * and waits; the client's I/O thread reports confirms and returns. A retry sends only what is neither confirmed nor
 * in flight on the same channel, so an attempt that failed halfway does not send again what the broker already has.
 *
 * <p>A returned message is followed by the broker's ack for it: it counts as done, refused. A NACKed message is sent
 * again. When the channel is replaced, the messages in flight on the old one are sent again (sequence numbers start
 * over on a new channel, so their confirms can never come).
 */
final class PublishState {

    private enum Stage {
        NOT_SENT,
        IN_FLIGHT,
        CONFIRMED,
        RETURNED
    }

    private final List<Object> events;
    private final List<OutgoingMessage> messages;
    private final Stage[] stages;
    private final String[] returnReasons;
    private final Map<String, Integer> byMessageId;
    private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
    private Object channel;
    private boolean channelLost;
    private int nacks;

    /** @param events the batch, whose retries this state serves; {@code messages} carry its events */
    PublishState(List<?> events, List<OutgoingMessage> messages) {
        this.events = new ArrayList<>(events);
        this.messages = List.copyOf(messages);
        this.stages = new Stage[messages.size()];
        this.returnReasons = new String[messages.size()];
        Arrays.fill(stages, Stage.NOT_SENT);
        this.byMessageId = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            byMessageId.put(messages.get(i).messageId(), i);
        }
    }

    /** Whether {@code batch} holds the very same events, in order: the core retrying this batch. */
    boolean isFor(List<?> batch) {
        if (batch.size() != events.size()) {
            return false;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) != events.get(i)) {
                return false;
            }
        }
        return true;
    }

    List<OutgoingMessage> messages() {
        return messages;
    }

    /**
     * Starts an attempt on {@code current}: if the channel is not the one the messages in flight were sent on,
     * they are to be sent again.
     */
    synchronized void useChannel(Object current) {
        if (channel != current) {
            for (int index : inFlight.values()) {
                if (stages[index] == Stage.IN_FLIGHT) {
                    stages[index] = Stage.NOT_SENT;
                }
            }
            inFlight.clear();
            channel = current;
            channelLost = false;
        }
    }

    /** The channel closed: its messages in flight will never be confirmed, so waiting for them ends. */
    synchronized void channelLost(Object lost) {
        if (lost == channel) {
            channelLost = true;
            notifyAll();
        }
    }

    /** The messages to send in this attempt, in order. */
    synchronized List<Integer> unsent() {
        List<Integer> unsent = new ArrayList<>();
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] == Stage.NOT_SENT) {
                unsent.add(i);
            }
        }
        return unsent;
    }

    /** Waits until fewer than {@code window} messages are in flight; false at the deadline or when the channel closed. */
    synchronized boolean awaitWindow(int window, long deadlineNanos) throws InterruptedException {
        return awaitInFlightBelow(window, deadlineNanos);
    }

    /** Waits until no message is in flight; false at the deadline or when the channel closed. */
    synchronized boolean awaitConfirms(long deadlineNanos) throws InterruptedException {
        return awaitInFlightBelow(1, deadlineNanos);
    }

    private boolean awaitInFlightBelow(int limit, long deadlineNanos) throws InterruptedException {
        while (inFlight.size() >= limit) {
            if (channelLost) {
                return false;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Records that message {@code index} is published under {@code sequence}; call before basicPublish. */
    synchronized void sending(int index, long sequence) {
        stages[index] = Stage.IN_FLIGHT;
        inFlight.put(sequence, index);
    }

    /** The publish call failed: the message was not sent. */
    synchronized void notSent(int index, long sequence) {
        inFlight.remove(sequence);
        stages[index] = Stage.NOT_SENT;
        notifyAll();
    }

    synchronized void acked(long sequence, boolean multiple) {
        settle(sequence, multiple, true);
    }

    synchronized void nacked(long sequence, boolean multiple) {
        settle(sequence, multiple, false);
    }

    private void settle(long sequence, boolean multiple, boolean ack) {
        Map<Long, Integer> settled = multiple ? inFlight.headMap(sequence, true) : single(sequence);
        for (int index : settled.values()) {
            if (stages[index] == Stage.IN_FLIGHT) {
                stages[index] = ack ? Stage.CONFIRMED : Stage.NOT_SENT;
                nacks += ack ? 0 : 1;
            }
        }
        settled.clear();
        notifyAll();
    }

    private Map<Long, Integer> single(long sequence) {
        return inFlight.containsKey(sequence) ? inFlight.subMap(sequence, true, sequence, true) : Map.of();
    }

    /** The broker returned the message as unroutable; its ack follows. Unknown ids (an earlier batch's) are ignored. */
    synchronized void returned(String messageId, String reason) {
        Integer index = messageId == null ? null : byMessageId.get(messageId);
        if (index != null && stages[index] == Stage.IN_FLIGHT) {
            stages[index] = Stage.RETURNED;
            returnReasons[index] = reason;
        }
    }

    /** Whether every message is confirmed or returned. */
    synchronized boolean done() {
        for (Stage stage : stages) {
            if (stage == Stage.NOT_SENT || stage == Stage.IN_FLIGHT) {
                return false;
            }
        }
        return true;
    }

    /** The returned messages, by index, with the broker's reason. */
    synchronized Map<Integer, String> returns() {
        Map<Integer, String> returns = new TreeMap<>();
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] == Stage.RETURNED) {
                returns.put(i, returnReasons[i]);
            }
        }
        return returns;
    }

    /** How many messages are neither confirmed nor returned, and how many NACKs came so far: for status messages. */
    synchronized String progress() {
        int open = 0;
        for (Stage stage : stages) {
            open += stage == Stage.NOT_SENT || stage == Stage.IN_FLIGHT ? 1 : 0;
        }
        return open + " of " + stages.length + " messages unconfirmed (" + inFlight.size() + " in flight, " + nacks
                + " NACKs so far)";
    }
}
