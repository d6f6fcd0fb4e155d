package dev.sluice.amqp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The messages in flight on the sink's channels, by channel and publish sequence number, across every batch the sink
 * has published and not yet settled; the lock that guards every {@link PublishState}. The worker publishes, each
 * message on the channel with the fewest in flight, and waits for room in a window; the client's I/O thread reports
 * confirms and returns. A batch that the core has handed over and that the broker has settled (every message confirmed
 * or returned) is passed to {@code report}, once, outside the lock.
 *
 * <p>Sequence numbers start over on every new channel, so the confirms of a replaced channel can never come: when the
 * sink starts using other channels, what was in flight on the old ones is to be sent again.
 */
final class ConfirmTracker {

    private record Sent(PublishState state, int index, long sentNanos) {}

    /** One channel and its messages in flight, by sequence number. */
    private static final class Lane {
        final Object channel;
        final TreeMap<Long, Sent> inFlight = new TreeMap<>();
        boolean lost;

        Lane(Object channel) {
            this.channel = channel;
        }
    }

    /** The messages in flight by message id, to match returns (only when messages are mandatory). */
    private final Map<String, Sent> byMessageId = new HashMap<>();

    private final boolean trackReturns;
    private final Consumer<PublishState> report;
    private List<Lane> lanes = List.of();
    private int inFlight;
    private long nacks;

    ConfirmTracker(boolean trackReturns, Consumer<PublishState> report) {
        this.trackReturns = trackReturns;
        this.report = report;
    }

    /** Starts publishing on {@code channels}: if they replace the channels, what was in flight there is to be resent. */
    synchronized void useChannels(List<?> channels) {
        if (sameChannels(channels)) {
            return;
        }
        for (Lane lane : lanes) {
            for (Sent sent : lane.inFlight.values()) {
                sent.state().unsend(sent.index());
            }
        }
        byMessageId.clear();
        inFlight = 0;
        lanes = channels.stream().map(Lane::new).toList();
        notifyAll();
    }

    private boolean sameChannels(List<?> channels) {
        if (channels.size() != lanes.size()) {
            return false;
        }
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i) != lanes.get(i).channel) {
                return false;
            }
        }
        return true;
    }

    private Lane laneOf(Object channel) {
        for (Lane lane : lanes) {
            if (lane.channel == channel) {
                return lane;
            }
        }
        return null; // a replaced channel
    }

    /** A channel closed: its messages in flight will never be confirmed, so waiting for them ends. */
    synchronized void channelLost(Object lost) {
        Lane lane = laneOf(lost);
        if (lane != null) {
            lane.lost = true;
            notifyAll();
        }
    }

    private boolean anyLost() {
        for (Lane lane : lanes) {
            if (lane.lost) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a channel has fewer than {@code window} messages in flight and returns the position of the one with
     * the fewest; -1 at the deadline or when a channel closed.
     */
    synchronized int awaitRoom(int window, long deadlineNanos) throws InterruptedException {
        while (!anyLost()) {
            int emptiest = -1;
            for (int i = 0; i < lanes.size(); i++) {
                if (emptiest < 0
                        || lanes.get(i).inFlight.size()
                                < lanes.get(emptiest).inFlight.size()) {
                    emptiest = i;
                }
            }
            if (emptiest >= 0 && lanes.get(emptiest).inFlight.size() < window) {
                return emptiest;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return -1;
    }

    /** Waits until no message is in flight; false at the deadline or when a channel closed. */
    synchronized boolean awaitNoneInFlight(long deadlineNanos) throws InterruptedException {
        while (inFlight > 0 && !anyLost()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return !anyLost();
    }

    synchronized List<Integer> unsent(PublishState state) {
        return state.unsent();
    }

    /**
     * Records that message {@code index} of {@code state} goes out on the channel at position {@code lane} under
     * {@code sequence}; call before publishing.
     */
    synchronized void sending(PublishState state, int index, int lane, long sequence) {
        Sent sent = new Sent(state, index, System.nanoTime());
        state.sending(index);
        lanes.get(lane).inFlight.put(sequence, sent);
        inFlight++;
        if (trackReturns) {
            byMessageId.put(state.messages().get(index).messageId(), sent);
        }
    }

    /** The publish call failed: the message was not sent. */
    synchronized void notSent(int lane, long sequence) {
        Sent sent = lanes.get(lane).inFlight.remove(sequence);
        if (sent != null) {
            inFlight--;
            sent.state().unsend(sent.index());
            if (trackReturns) {
                byMessageId.remove(sent.state().messages().get(sent.index()).messageId());
            }
        }
        notifyAll();
    }

    void acked(Object from, long sequence, boolean multiple) {
        settle(from, sequence, multiple, true);
    }

    void nacked(Object from, long sequence, boolean multiple) {
        settle(from, sequence, multiple, false);
    }

    private void settle(Object from, long sequence, boolean multiple, boolean ack) {
        List<PublishState> settled = new ArrayList<>(1);
        synchronized (this) {
            Lane lane = laneOf(from);
            if (lane == null) {
                return; // a replaced channel's confirm: its messages were resent
            }
            Map<Long, Sent> range = multiple ? lane.inFlight.headMap(sequence, true) : single(lane, sequence);
            for (Sent sent : range.values()) {
                PublishState state = sent.state();
                if (ack) {
                    state.confirmed(sent.index());
                } else {
                    state.unsend(sent.index());
                    nacks++;
                }
                if (trackReturns) {
                    byMessageId.remove(state.messages().get(sent.index()).messageId());
                }
                if (state.takeReport()) {
                    settled.add(state);
                }
            }
            inFlight -= range.size();
            range.clear();
            notifyAll();
        }
        settled.forEach(report);
    }

    private static Map<Long, Sent> single(Lane lane, long sequence) {
        return lane.inFlight.containsKey(sequence) ? lane.inFlight.subMap(sequence, true, sequence, true) : Map.of();
    }

    /** The broker returned the message as unroutable; its ack follows. Ids not in flight here are ignored. */
    synchronized void returned(Object from, String messageId, String reason) {
        Sent sent = laneOf(from) != null && messageId != null ? byMessageId.get(messageId) : null;
        if (sent != null) {
            sent.state().returned(sent.index(), reason);
        }
    }

    /** The core has handed the batch over; if the broker has settled it already, it is reported now. */
    void accept(PublishState state) {
        boolean settled;
        synchronized (this) {
            state.accept();
            settled = state.takeReport();
        }
        if (settled) {
            report.accept(state);
        }
    }

    /** Drops the reported batches from {@code outstanding}. */
    synchronized void prune(Collection<PublishState> outstanding) {
        outstanding.removeIf(PublishState::isReported);
    }

    /**
     * Whether the outstanding batches need the worker: the channel closed, messages to send again (NACKed, or lost
     * with a channel), or a message in flight for longer than {@code overdueNanos}.
     */
    synchronized boolean needsFlush(Collection<PublishState> outstanding, long overdueNanos) {
        if (outstanding.isEmpty()) {
            return false;
        }
        if (anyLost() || anyUnsent(outstanding)) {
            return true;
        }
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            if (!lane.inFlight.isEmpty()
                    && now - lane.inFlight.firstEntry().getValue().sentNanos() > overdueNanos) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of {@code states} has messages to send again (NACKed, or lost with a channel). */
    private boolean anyUnsent(Collection<PublishState> states) {
        for (PublishState state : states) {
            if (state.hasUnsent()) {
                return true;
            }
        }
        return false;
    }

    /** For status messages: how many messages of {@code states} are unconfirmed, in flight, and the NACKs so far. */
    synchronized String progress(Collection<PublishState> states) {
        int open = 0;
        int total = 0;
        for (PublishState state : states) {
            open += state.openMessages();
            total += state.messages().size();
        }
        return open + " of " + total + " messages unconfirmed (" + inFlight + " in flight, " + nacks + " NACKs so far)";
    }
}
