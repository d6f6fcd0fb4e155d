package dev.sluice.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ConfirmTracker} without a broker: confirms of several channels settle batches, a settled batch is reported
 * once and only after the core handed it over, returns mark their message, and replacing the channels sends again
 * what was in flight on the old ones.
 */
class ConfirmTrackerTest {

    private static final long FAR = Long.MAX_VALUE / 4;

    private final List<PublishState> reported = new ArrayList<>();
    private final ConfirmTracker tracker = new ConfirmTracker(true, reported::add);
    private final Object channelA = "channel A";
    private final Object channelB = "channel B";

    private static PublishState batch(String name, int messages) {
        List<OutgoingMessage> outgoing = IntStream.range(0, messages)
                .mapToObj(i -> new OutgoingMessage(
                        "svc.info",
                        new AMQP.BasicProperties.Builder()
                                .messageId(name + "-" + i)
                                .build(),
                        new byte[0],
                        new int[] {i}))
                .toList();
        List<String> events =
                IntStream.range(0, messages).mapToObj(i -> name + " event " + i).toList();
        return new PublishState(events, outgoing);
    }

    /** Sends every unsent message of {@code state} as the sink does, on the lane the tracker picks; returns lanes. */
    private List<Integer> send(PublishState state, long[] nextSequence, int window) throws InterruptedException {
        List<Integer> lanes = new ArrayList<>();
        for (int index : tracker.unsent(state)) {
            int lane = tracker.awaitRoom(window, System.nanoTime() + FAR);
            tracker.sending(state, index, lane, ++nextSequence[lane]);
            lanes.add(lane);
        }
        return lanes;
    }

    @Test
    void messagesSpreadOverChannelsAndABatchIsReportedOnceWhenEveryChannelConfirmed() throws Exception {
        tracker.useChannels(List.of(channelA, channelB));
        PublishState state = batch("a", 4);
        long[] sequences = new long[2];
        assertThat(send(state, sequences, 10)).containsExactly(0, 1, 0, 1);
        tracker.accept(state);

        tracker.acked(channelA, 2, true);
        assertThat(reported).isEmpty();
        tracker.acked(channelB, 2, true);
        assertThat(reported).containsExactly(state);
        tracker.acked(channelB, 2, true); // a repeated confirm changes nothing
        assertThat(reported).containsExactly(state);
        assertThat(tracker.awaitNoneInFlight(System.nanoTime())).isTrue();
    }

    @Test
    void aBatchSettledBeforeItIsHandedOverIsReportedOnHandOver() throws Exception {
        tracker.useChannels(List.of(channelA));
        PublishState state = batch("b", 2);
        send(state, new long[1], 10);
        tracker.acked(channelA, 2, true);
        assertThat(reported).isEmpty();
        tracker.accept(state);
        assertThat(reported).containsExactly(state);
    }

    @Test
    void aReturnedMessageIsSettledAsReturnedByItsAck() throws Exception {
        tracker.useChannels(List.of(channelA));
        PublishState state = batch("c", 2);
        send(state, new long[1], 10);
        tracker.accept(state);
        tracker.returned(channelA, "c-1", "312 NO_ROUTE");
        tracker.returned(channelA, "unknown", "312 NO_ROUTE");
        tracker.acked(channelA, 2, true);
        assertThat(reported).containsExactly(state);
        assertThat(state.returnReason(0)).isNull();
        assertThat(state.returnReason(1)).isEqualTo("312 NO_ROUTE");
    }

    @Test
    void aNackMakesTheMessageUnsentAndTheBatchNeedAFlush() throws Exception {
        tracker.useChannels(List.of(channelA));
        PublishState state = batch("d", 3);
        send(state, new long[1], 10);
        tracker.accept(state);
        ArrayDeque<PublishState> outstanding = new ArrayDeque<>(List.of(state));
        assertThat(tracker.needsFlush(outstanding, FAR)).isFalse();

        tracker.nacked(channelA, 2, false);
        tracker.acked(channelA, 3, true);
        assertThat(tracker.needsFlush(outstanding, FAR)).isTrue();
        assertThat(tracker.unsent(state)).containsExactly(1);
        assertThat(tracker.progress(outstanding))
                .isEqualTo("1 of 3 messages unconfirmed (0 in flight, 1 NACKs so far)");
        assertThat(reported).isEmpty();
    }

    @Test
    void replacingTheChannelsSendsAgainWhatWasInFlightAndIgnoresTheOldConfirms() throws Exception {
        tracker.useChannels(List.of(channelA, channelB));
        PublishState state = batch("e", 4);
        send(state, new long[2], 10);
        tracker.accept(state);
        tracker.acked(channelA, 1, false); // message 0
        tracker.channelLost(channelB);
        ArrayDeque<PublishState> outstanding = new ArrayDeque<>(List.of(state));
        assertThat(tracker.needsFlush(outstanding, FAR)).isTrue();
        assertThat(tracker.awaitRoom(10, System.nanoTime() + FAR)).isEqualTo(-1);

        Object channelC = "channel C";
        tracker.useChannels(List.of(channelC));
        assertThat(tracker.unsent(state)).containsExactly(1, 2, 3);
        tracker.acked(channelA, 2, true); // stale: its messages go out again
        assertThat(tracker.unsent(state)).containsExactly(1, 2, 3);

        send(state, new long[1], 10);
        tracker.acked(channelC, 3, true);
        assertThat(reported).containsExactly(state);
    }

    @Test
    void aMessageInFlightTooLongNeedsAFlush() throws Exception {
        tracker.useChannels(List.of(channelA));
        PublishState state = batch("f", 1);
        send(state, new long[1], 10);
        tracker.accept(state);
        ArrayDeque<PublishState> outstanding = new ArrayDeque<>(List.of(state));
        assertThat(tracker.needsFlush(outstanding, FAR)).isFalse();
        assertThat(tracker.needsFlush(outstanding, -1)).isTrue();
    }

    @Test
    void theWindowIsPerChannel() throws Exception {
        tracker.useChannels(List.of(channelA, channelB));
        PublishState state = batch("g", 4);
        send(state, new long[2], 2);
        assertThat(tracker.awaitRoom(2, System.nanoTime())).isEqualTo(-1);
        tracker.acked(channelB, 1, false);
        assertThat(tracker.awaitRoom(2, System.nanoTime())).isEqualTo(1);
    }
}
