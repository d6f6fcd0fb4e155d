package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated frames from a few parallel lanes of short-lived connections against one real server, while a
 * well-behaved worker logs throughout. Reproduce a run with {@code -Dfuzz.seed=<the printed seed>}: each lane's
 * frames follow from it (the interleaving of the lanes does not).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20_261_121L);
    private static final int LANES = 3;
    private static final int CONNECTIONS_PER_LANE = 200;
    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final int HANDOFF_CAPACITY = 256;
    private static final String STEADY = "app.steady";
    /** The fuzz events' loggers are off in the central: counted as dispatched, not collected. */
    private static final String FUZZ = "fuzz";

    private static final List<byte[]> VALID_JSON = IntStream.range(0, 8)
            .mapToObj(i -> RawRelayClient.eventJson(FUZZ + ".l" + i, "fuzz " + "m".repeat(i * 20)))
            .toList();
    private static final List<byte[]> BAD_JSON = List.of(
            utf8("{\"v\":1}"),
            new byte[0],
            utf8("{\"v\":1,\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
            utf8("null"),
            utf8("{\"v\":1,\"ts\":\"yesterday\",\"level\":\"INFO\",\"logger\":\"fuzz\"}"));

    @TempDir
    Path temp;

    private final AtomicLong framesWritten = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger steadyLogged = new AtomicInteger();
    private final AtomicInteger maxHandoffDepth = new AtomicInteger();

    @Test
    void hostileFramesNeitherStopTheServerNorLeakNorCostTheWorkerAnEvent() throws Exception {
        System.out.println("RelayFuzzTest seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED + ")");
        long began = System.nanoTime();
        try (Central central = new Central(temp.resolve("sock"), server -> {
                    server.setMaxFrameBytes(MAX_FRAME_BYTES);
                    server.setHandoffCapacity(HANDOFF_CAPACITY);
                    server.setHandshakeTimeout(ch.qos.logback.core.util.Duration.buildBySeconds(2));
                });
                Worker worker = new Worker("steady", central.server.address().toString(), a -> {})) {
            central.context.getLogger(FUZZ).setLevel(Level.OFF);
            logSteadily(worker, 100);
            await().until(() -> worker.appender.getStats().getDelivered() == 100);
            int threadsBefore = relayThreads();

            ExecutorService lanes = Executors.newFixedThreadPool(LANES);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int lane = 0; lane < LANES; lane++) {
                    int number = lane;
                    running.add(lanes.submit(() -> {
                        runLane(central, worker, number);
                        return null;
                    }));
                }
                for (Future<?> lane : running) {
                    lane.get();
                }
            } finally {
                lanes.shutdownNow();
            }
            RelayServer server = central.server;
            System.out.printf(
                    "RelayFuzzTest: %d frames written over %d connections in %d ms; server received %d events,"
                            + " %d undecodable, %d duplicates, %d protocol errors, %d refused; hand-off depth at"
                            + " most %d; %d loggers in the central context%n",
                    framesWritten.get(),
                    connections.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                    server.getEventsReceived(),
                    server.getUndecodableEvents(),
                    server.getDuplicatesDropped(),
                    server.getProtocolErrors(),
                    server.getRefusedConnections(),
                    maxHandoffDepth.get(),
                    central.context.getLoggerList().size());

            assertThat(framesWritten.get()).isGreaterThanOrEqualTo(100_000);
            assertThat(server.isStarted()).isTrue();
            await().atMost(30, TimeUnit.SECONDS).until(() -> server.getConnections() == 1);
            await().atMost(30, TimeUnit.SECONDS).until(() -> relayThreads() <= threadsBefore);
            assertThat(maxHandoffDepth.get()).isLessThanOrEqualTo(HANDOFF_CAPACITY);
            assertThat(server.getProtocolErrors()).isPositive();
            assertThat(server.getUndecodableEvents()).isPositive();
            assertThat(server.getDuplicatesDropped()).isPositive();
            assertThat(server.getRefusedConnections()).isZero();

            int steady = steadyLogged.get();
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> worker.appender.getStats().getDelivered() == steady);
            assertThat(worker.appender.getStats().getDropped()).isZero();
            List<String> arrived = central.collector.events.stream()
                    .filter(event -> event.getLoggerName().equals(STEADY))
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
            assertThat(arrived)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, steady).mapToObj(i -> "w" + i).toList());
            StatusAssertions.assertNoErrors(central.context);
            StatusAssertions.assertNoErrors(worker.context);
        }
    }

    private void logSteadily(Worker worker, int events) {
        for (int i = 0; i < events; i++) {
            worker.logger(STEADY).info("w{}", steadyLogged.getAndIncrement());
        }
    }

    /** Threads of the relay (server, connections, worker) alive now. */
    private static int relayThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("sluice-relay-"))
                .count();
    }

    private void runLane(Central central, Worker worker, int lane) throws IOException {
        Random random = new Random(SEED + lane);
        Identity reused = new Identity(100 + lane, 1, "fuzz-lane-" + lane);
        for (int c = 0; c < CONNECTIONS_PER_LANE; c++) {
            if (random.nextInt(10) < 4) {
                if (random.nextBoolean()) {
                    reused = new Identity(reused.pid, reused.start + 1, reused.name);
                }
                wellFramedConnection(central, random, reused);
            } else {
                hostileConnection(central, random, lane * 1_000_000L + c);
            }
            connections.incrementAndGet();
            maxHandoffDepth.accumulateAndGet(central.server.getHandoffDepth(), Math::max);
            logSteadily(worker, 1);
        }
    }

    /** A worker identity and the highest sequence number it ever sent. */
    private static final class Identity {
        final long pid;
        final long start;
        final String name;
        long highest;

        Identity(long pid, long start, String name) {
            this.pid = pid;
            this.start = start;
            this.name = name;
        }
    }

    /**
     * Correct framing, but event JSON that is often garbage and sequence numbers that resend earlier ones: nothing
     * here may close the connection, and the server must acknowledge the identity's highest number.
     */
    private void wellFramedConnection(Central central, Random random, Identity identity) throws IOException {
        try (RawRelayClient client = RawRelayClient.connect(central.server)) {
            client.hello(identity.pid, identity.start, identity.name);
            long next = Math.max(1, identity.highest - random.nextInt(50));
            int frames = 100 + random.nextInt(500);
            List<byte[]> batch = new ArrayList<>(frames);
            for (int i = 0; i < frames; i++) {
                long sequence = random.nextInt(20) == 0 ? 1 + random.nextInt((int) next) : next++;
                byte[] json = random.nextInt(10) < 7 ? pick(random, VALID_JSON) : mutatedJson(random);
                batch.add(eventFrame(sequence, json));
                identity.highest = Math.max(identity.highest, sequence);
            }
            for (byte[] frame : batch) {
                client.raw(frame);
                framesWritten.incrementAndGet();
            }
            assertThat(client.ackOf(identity.highest)).isEqualTo(identity.highest);
        }
        framesWritten.incrementAndGet(); // the hello
    }

    /** A hello (often mutated, sometimes missing), then valid and mutated frames, until the server hangs up. */
    private void hostileConnection(Central central, Random random, long pid) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        if (random.nextInt(20) != 0) {
            byte[] hello = RawRelayClient.rawFrame(
                    1 + RawRelayClient.helloJson(pid, 1, "fuzz").length,
                    FrameKind.HELLO.code,
                    RawRelayClient.helloJson(pid, 1, "fuzz"));
            frames.add(random.nextInt(5) == 0 ? mutate(random, hello) : hello);
        }
        for (int i = 0, n = random.nextInt(400); i < n; i++) {
            byte[] event = eventFrame(1 + i, pick(random, VALID_JSON));
            frames.add(random.nextInt(10) < 6 ? event : mutate(random, event));
        }
        try (RawRelayClient client = RawRelayClient.connect(central.server)) {
            try {
                for (byte[] frame : frames) {
                    client.raw(frame);
                    framesWritten.incrementAndGet();
                }
            } catch (IOException e) {
                return; // the server hung up: expected after a bad frame
            }
            if (random.nextBoolean()) {
                client.shutdownOutput();
                readToTheEnd(client);
            }
        }
    }

    /** Whatever the server still says is ACKs, then at most one REFUSE, then the end. */
    private static void readToTheEnd(RawRelayClient client) throws IOException {
        boolean refused = false;
        try {
            for (Frame frame = client.read(); frame != null; frame = client.read()) {
                assertThat(refused)
                        .as("a %s frame after the REFUSE", frame.kind())
                        .isFalse();
                assertThat(frame.kind()).isIn(FrameKind.ACK, FrameKind.REFUSE);
                refused = frame.kind() == FrameKind.REFUSE;
            }
        } catch (IOException e) {
            // a reset after the REFUSE: the server closed with our bytes unread
        }
    }

    private static byte[] eventFrame(long sequence, byte[] json) {
        byte[] body = ByteBuffer.allocate(Long.BYTES + json.length)
                .putLong(sequence)
                .put(json)
                .array();
        return RawRelayClient.rawFrame(1 + body.length, FrameKind.EVENT.code, body);
    }

    /** One frame broken at the framing level (or, sometimes, only in its JSON). */
    private static byte[] mutate(Random random, byte[] frame) {
        byte[] out = frame.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> out = Arrays.copyOf(frame, random.nextInt(frame.length));
            case 2 -> {
                int[] lengths = {
                    0,
                    1,
                    -1,
                    Integer.MAX_VALUE,
                    MAX_FRAME_BYTES,
                    MAX_FRAME_BYTES + 1,
                    frame.length - 6,
                    random.nextInt()
                };
                ByteBuffer.wrap(out).putInt(0, lengths[random.nextInt(lengths.length)]);
            }
            case 3 -> out[Integer.BYTES] = (byte) random.nextInt(256);
            case 4 -> {
                out = new byte[1 + random.nextInt(200)];
                random.nextBytes(out);
            }
            default -> out = eventFrame(random.nextLong(), mutatedJson(random));
        }
        return out;
    }

    /** Event JSON that the decoder must refuse (or, by chance, accept) without harm. */
    private static byte[] mutatedJson(Random random) {
        byte[] json = pick(random, VALID_JSON).clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    json[random.nextInt(json.length)] = (byte) random.nextInt(256);
                }
                return json;
            }
            case 1 -> {
                return Arrays.copyOf(json, random.nextInt(json.length));
            }
            case 2 -> {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                return noise;
            }
            default -> {
                return pick(random, BAD_JSON);
            }
        }
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
