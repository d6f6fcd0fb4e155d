package dev.sluice.amqp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each message of one batch stands with the broker: not sent, in flight, confirmed, or returned as unroutable.
 * The batch's events are kept (a copy) so that the sink can recognise the core retrying the same batch and can name
 * the events of returned messages. Guarded by the {@link ConfirmTracker} that owns the channel's messages in flight:
 * every method except the constructor, {@link #isFor(List)} and {@link #messages()} is called holding its lock.
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
    private int open;
    private int notSent;
    private boolean accepted;
    private boolean reported;

    /** @param events the batch, whose retries this state serves; {@code messages} carry its events */
    PublishState(List<?> events, List<OutgoingMessage> messages) {
        this.events = new ArrayList<>(events);
        this.messages = List.copyOf(messages);
        this.stages = new Stage[messages.size()];
        this.returnReasons = new String[messages.size()];
        Arrays.fill(stages, Stage.NOT_SENT);
        this.open = messages.size();
        this.notSent = messages.size();
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

    @SuppressWarnings("unchecked")
    <E> E event(int index) {
        return (E) events.get(index);
    }

    int eventCount() {
        return events.size();
    }

    /** The messages to send, in order. */
    List<Integer> unsent() {
        List<Integer> unsent = new ArrayList<>(notSent);
        for (int i = 0; i < stages.length && unsent.size() < notSent; i++) {
            if (stages[i] == Stage.NOT_SENT) {
                unsent.add(i);
            }
        }
        return unsent;
    }

    boolean hasUnsent() {
        return notSent > 0;
    }

    void sending(int index) {
        move(index, Stage.IN_FLIGHT);
    }

    /** Not sent after all (the publish call failed), NACKed, or lost with its channel: to be sent again. */
    void unsend(int index) {
        if (stages[index] == Stage.IN_FLIGHT) {
            move(index, Stage.NOT_SENT);
        }
    }

    /** The broker's ack; a returned message stays returned (its ack follows the return). */
    void confirmed(int index) {
        if (stages[index] == Stage.IN_FLIGHT) {
            move(index, Stage.CONFIRMED);
        }
    }

    void returned(int index, String reason) {
        if (stages[index] == Stage.IN_FLIGHT) {
            move(index, Stage.RETURNED);
            returnReasons[index] = reason;
        }
    }

    private void move(int index, Stage to) {
        Stage from = stages[index];
        stages[index] = to;
        notSent += (to == Stage.NOT_SENT ? 1 : 0) - (from == Stage.NOT_SENT ? 1 : 0);
        open -= settled(to) && !settled(from) ? 1 : 0;
    }

    private static boolean settled(Stage stage) {
        return stage == Stage.CONFIRMED || stage == Stage.RETURNED;
    }

    /** Messages neither confirmed nor returned. */
    int openMessages() {
        return open;
    }

    /** The core has handed the batch over: the sink now reports it. */
    void accept() {
        accepted = true;
    }

    /** Whether the batch is accepted and settled but not yet reported; marks it reported if so. */
    boolean takeReport() {
        if (accepted && open == 0 && !reported) {
            reported = true;
            return true;
        }
        return false;
    }

    boolean isReported() {
        return reported;
    }

    /** The broker's reason for returning message {@code index}, or null. */
    String returnReason(int index) {
        return returnReasons[index];
    }
}
