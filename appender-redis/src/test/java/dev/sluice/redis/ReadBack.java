package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader gets back from the appender, and whether it is what the test logged: events logged as
 * {@code "<label> 0"} to {@code "<label> n-1"}, each delivered once, or, where a batch's replies were lost, replayed
 * as a whole run. Reads over raw RESP, so that the only Lettuce client in a test is the appender's.
 */
final class ReadBack {

    private final List<String> messages;
    private final List<String> payloads;

    private ReadBack(List<String> messages, List<String> payloads) {
        this.messages = messages;
        this.payloads = payloads;
    }

    /** The stream's entries, oldest first ({@code XRANGE key - +}). */
    static ReadBack stream(RedisServer redis, String key) {
        try (RespClient client = new RespClient(redis.host(), redis.port(), Duration.ofSeconds(10))) {
            return stream(client, key);
        }
    }

    /** The stream's entries on a private server, oldest first, read over its plain port. */
    static ReadBack stream(PrivateRedisProcess redis, String key) {
        try (RespClient client = redis.client()) {
            return stream(client, key);
        }
    }

    /** The stream's entries, oldest first, read over {@code client} (already authenticated if need be). */
    @SuppressWarnings("unchecked")
    static ReadBack stream(RespClient client, String key) {
        List<String> payloads = new ArrayList<>();
        for (Object entry : (List<Object>) client.call("XRANGE", key, "-", "+")) {
            List<Object> fields = (List<Object>) ((List<Object>) entry).get(1);
            assertThat(fields).as("fields of a stream entry").hasSize(2).first().isEqualTo("data");
            payloads.add((String) fields.get(1));
        }
        return of(payloads);
    }

    /** Payloads a subscriber received, in the order it received them. */
    static ReadBack published(List<byte[]> received) {
        return of(received.stream()
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .toList());
    }

    /** Every payload must decode as the canonical JSON: a cut never leaves a partial entry behind. */
    private static ReadBack of(List<String> payloads) {
        EventJsonDecoder decoder = new EventJsonDecoder();
        List<String> messages = payloads.stream()
                .map(p -> decoder.decode(p.getBytes(StandardCharsets.UTF_8)).getFormattedMessage())
                .toList();
        return new ReadBack(messages, payloads);
    }

    List<String> messages() {
        return messages;
    }

    int size() {
        return messages.size();
    }

    /**
     * Checks that the events labelled {@code label} arrived as a batching pipeline with retries delivers them, and
     * returns the replays: every one of the {@code logged} events is there, new events appear in the order logged,
     * and every extra copy belongs to a run that was written, cut short or not, and then written again from its
     * first event. A copy is the same payload, byte for byte, as the first one: the batch sent again, not a new
     * event. Entries with other labels are ignored.
     */
    Replays assertDeliveredInOrderWithWholeRunsReplayed(String label, int logged) {
        List<Integer> order = new ArrayList<>();
        Map<Integer, String> firstPayload = new HashMap<>();
        String prefix = label + " ";
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).startsWith(prefix)) {
                continue;
            }
            int event = Integer.parseInt(messages.get(i).substring(prefix.length()));
            String previous = firstPayload.putIfAbsent(event, payloads.get(i));
            assertThat(previous == null || previous.equals(payloads.get(i)))
                    .as("a second copy of %s is the same payload", messages.get(i))
                    .isTrue();
            order.add(event);
        }
        int next = 0;
        int rewinds = 0;
        for (int p = 0; p < order.size(); p++) {
            int event = order.get(p);
            if (event == next) {
                next++;
                continue;
            }
            assertThat(event)
                    .as("%s %d arrived before %s %d: order lost or an event missing", label, event, label, next)
                    .isLessThan(next);
            int previous = order.get(p - 1);
            if (event == previous + 1) {
                continue; // the replayed run goes on
            }
            // A rewind: what came just before must be the run from this event on, now written again.
            assertThat(event)
                    .as("a replay starts at or before the event it follows")
                    .isLessThanOrEqualTo(previous);
            int length = previous - event + 1;
            assertThat(p).as("a replayed run follows a whole run").isGreaterThanOrEqualTo(length);
            for (int k = 0; k < length; k++) {
                assertThat(order.get(p - length + k))
                        .as("the run before the replay at position %d", p)
                        .isEqualTo(event + k);
            }
            rewinds++;
        }
        assertThat(next).as("events of '%s' delivered", label).isEqualTo(logged);
        return new Replays(order.size() - logged, rewinds);
    }

    /**
     * Exactly {@code count} of the events labelled {@code label}, each once and in the order logged: what is left
     * of a burst after the queue dropped what did not fit.
     */
    void assertOnceInOrder(String label, int count) {
        List<Integer> order = messages.stream()
                .filter(m -> m.startsWith(label + " "))
                .map(m -> Integer.parseInt(m.substring(label.length() + 1)))
                .toList();
        assertThat(order).as("events of '%s'", label).hasSize(count).isSorted().doesNotHaveDuplicates();
    }

    /**
     * For a batch that never got its replies, sent again and again: each attempt left a prefix of the batch, run
     * from its first event on without a hole. Returns the events of each attempt that Redis ran.
     */
    List<Integer> assertEveryAttemptRanAPrefix(String label) {
        List<Integer> runs = new ArrayList<>();
        int expected = 0;
        for (String message : messages) {
            int event = Integer.parseInt(message.substring(label.length() + 1));
            if (event == 0 && expected > 0) {
                runs.add(expected);
                expected = 0;
            }
            assertThat(event)
                    .as("an attempt ran %s %d after %s %d", label, event, label, expected - 1)
                    .isEqualTo(expected);
            expected++;
        }
        if (expected > 0) {
            runs.add(expected);
        }
        return runs;
    }

    /** Each event labelled {@code label}, from 0 to {@code count - 1}, exactly once and in order. */
    void assertExactlyOnceInOrder(String label, int count) {
        List<String> expected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            expected.add(label + " " + i);
        }
        assertThat(messages.stream().filter(m -> m.startsWith(label + " ")).toList())
                .containsExactlyElementsOf(expected);
    }

    /** Extra copies of events beyond the first, and how many runs were written again. */
    record Replays(int duplicates, int rewinds) {}
}
