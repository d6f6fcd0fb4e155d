package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import dev.sluice.testing.StatusAssertions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real relay server fed hostile input by raw clients over its real socket, while a well-behaved worker is connected
 * too: each broken connection is refused with a reason and counted, and the worker loses nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayProtocolTest {

    private static final int LIMIT = RelayServer.DEFAULT_MAX_FRAME_BYTES;
    private static final String STEADY = "app.steady";

    @TempDir
    Path temp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private long nextPid = 1000;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Central central(Consumer<RelayServer> settings) {
        Central central = new Central(temp.resolve("sock"), settings);
        closing.add(central);
        return central;
    }

    private Worker worker(Central central) {
        Worker worker = new Worker("steady", central.server.address().toString(), a -> {});
        closing.add(worker);
        return worker;
    }

    private RawRelayClient connect(Central central) throws IOException {
        RawRelayClient client = RawRelayClient.connect(central.server);
        closing.add(client);
        return client;
    }

    /** A raw client that said hello with an identity of its own. */
    private RawRelayClient greeted(Central central) throws IOException {
        return connect(central).hello(nextPid++, 1, "raw");
    }

    /** Logs {@code w<from>..w<to - 1>} from the worker and waits until the server acknowledged all of them. */
    private static void logSteadily(Worker worker, int from, int to) {
        Logger logger = worker.logger(STEADY);
        for (int i = from; i < to; i++) {
            logger.info("w{}", i);
        }
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> worker.appender.getStats().getDelivered() == to);
    }

    /** The worker's events arrived exactly once each, in order, and none was dropped. */
    private static void assertWorkerDeliveredAll(Worker worker, Central central, int count) {
        assertThat(worker.appender.getStats().getDelivered()).isEqualTo(count);
        assertThat(worker.appender.getStats().getDropped()).isZero();
        assertThat(messagesOf(central, STEADY))
                .containsExactlyElementsOf(
                        LongStream.range(0, count).mapToObj(i -> "w" + i).toList());
    }

    private static List<String> messagesOf(Central central, String logger) {
        return central.collector.events.stream()
                .filter(event -> event.getLoggerName().equals(logger))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Something a raw client does to the server. */
    @FunctionalInterface
    interface Misbehaviour {
        void on(RawRelayClient client) throws IOException;
    }

    private static Arguments misbehaviour(String what, boolean helloFirst, Misbehaviour action, String reason) {
        return Arguments.argumentSet(what, helloFirst, action, reason);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes, ignoring a failure: the server may close the connection before all of it is sent. */
    private static Misbehaviour sendingAsMuchAsPossible(byte[] bytes) {
        return client -> {
            try {
                client.raw(bytes);
            } catch (IOException e) {
                // refused early: what the server said is read next
            }
        };
    }

    static Stream<Arguments> malformedInput() {
        byte[] nothing = new byte[0];
        byte[] tenMegabyteHello = utf8("{\"v\":1,\"pid\":1,\"start\":1,\"name\":\"" + "x".repeat(10 << 20) + "\"}");
        return Stream.of(
                misbehaviour(
                        "length 0",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(0, 2, nothing)),
                        "a frame of 0 bytes; the limit is " + LIMIT),
                misbehaviour(
                        "length 2^31-1",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(Integer.MAX_VALUE, 2, nothing)),
                        "a frame of 2147483647 bytes; the limit is " + LIMIT),
                misbehaviour(
                        "length 2^32-1",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(-1, 2, nothing)),
                        "a frame of 4294967295 bytes; the limit is " + LIMIT),
                misbehaviour(
                        "length maxFrameBytes + 1",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(LIMIT + 1, 2, new byte[100])),
                        "a frame of " + (LIMIT + 1) + " bytes; the limit is " + LIMIT),
                misbehaviour(
                        "unknown kind 9",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(1, 9, nothing)),
                        "a frame of unknown kind 9"),
                misbehaviour(
                        "unknown kind 0",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(3, 0, new byte[2])),
                        "a frame of unknown kind 0"),
                misbehaviour(
                        "unknown kind 255",
                        false,
                        c -> c.raw(RawRelayClient.rawFrame(1, 255, nothing)),
                        "a frame of unknown kind -1"),
                misbehaviour(
                        "an EVENT too short for its sequence",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(5, 2, new byte[4])),
                        "a EVENT frame of 4 bytes, too short for its sequence number"),
                misbehaviour(
                        "an EVENT before the hello",
                        false,
                        c -> c.event(1, RawRelayClient.eventJson("raw", "early")),
                        "a EVENT frame before the hello"),
                misbehaviour(
                        "an ACK before the hello",
                        false,
                        c -> c.raw(RawRelayClient.rawFrame(9, 3, new byte[8])),
                        "a ACK frame before the hello"),
                misbehaviour("a second HELLO", true, c -> c.hello(1, 1, "again"), "a HELLO frame after the hello"),
                misbehaviour(
                        "an ACK from the client",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(9, 3, new byte[8])),
                        "a ACK frame after the hello"),
                misbehaviour(
                        "a REFUSE from the client",
                        true,
                        c -> c.frame(FrameKind.REFUSE, utf8("no")),
                        "a REFUSE frame after the hello"),
                misbehaviour(
                        "a hello that is not JSON",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("hello, server")),
                        "a malformed hello: "),
                misbehaviour(
                        "an empty hello",
                        false,
                        c -> c.frame(FrameKind.HELLO, nothing),
                        "a hello that is not a JSON object"),
                misbehaviour(
                        "a hello that is an array",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("[1,2]")),
                        "a hello that is not a JSON object"),
                misbehaviour(
                        "a hello of version 2",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":2,\"pid\":1,\"start\":1,\"name\":\"n\"}")),
                        "a hello of protocol version 2; this server speaks 1"),
                misbehaviour(
                        "a hello without a version",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"pid\":1,\"start\":1,\"name\":\"n\"}")),
                        "a hello of protocol version -1; this server speaks 1"),
                misbehaviour(
                        "a hello without pid, start and name",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1}")),
                        "a hello without pid, start or name"),
                misbehaviour(
                        "a hello whose pid is text",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1,\"pid\":\"1\",\"start\":1,\"name\":\"n\"}")),
                        "a hello whose pid is not an integer"),
                misbehaviour(
                        "a hello whose name is a number",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1,\"pid\":1,\"start\":1,\"name\":7}")),
                        "a hello whose name is not a string"),
                misbehaviour(
                        "a hello with data after its object",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1,\"pid\":1,\"start\":1,\"name\":\"n\"} {}")),
                        "a hello with data after its object"),
                misbehaviour(
                        "a hello cut short",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1,\"pid\":1")),
                        "a malformed hello: "),
                misbehaviour(
                        "a hello nested deeply",
                        false,
                        c -> c.frame(FrameKind.HELLO, utf8("{\"v\":1,\"x\":{\"y\":{\"z\":{}}}}")),
                        "a malformed hello: "),
                misbehaviour(
                        "a hello whose name has 300 characters",
                        false,
                        c -> c.frame(
                                FrameKind.HELLO,
                                utf8("{\"v\":1,\"pid\":1,\"start\":1,\"name\":\"" + "n".repeat(300) + "\"}")),
                        "a malformed hello: "),
                misbehaviour(
                        "a hello with a 10 MB string",
                        false,
                        sendingAsMuchAsPossible(
                                RawRelayClient.rawFrame(1 + tenMegabyteHello.length, 1, tenMegabyteHello)),
                        "a frame of " + (1 + tenMegabyteHello.length) + " bytes; the limit is "
                                + (Hello.MAX_BYTES + 1)),
                misbehaviour(
                        "a truncated header, then the end",
                        false,
                        c -> c.raw(new byte[] {0, 0}).shutdownOutput(),
                        "a truncated frame: the connection ended in the middle of a frame"),
                misbehaviour(
                        "a truncated hello, then the end",
                        false,
                        c -> c.raw(RawRelayClient.rawFrame(100, 1, utf8("{\"v\":1")))
                                .shutdownOutput(),
                        "a truncated frame: the connection ended in the middle of a frame"),
                misbehaviour(
                        "a truncated event, then the end",
                        true,
                        c -> c.raw(RawRelayClient.rawFrame(100, 2, new byte[20]))
                                .shutdownOutput(),
                        "a truncated frame: the connection ended in the middle of a frame"));
    }

    @ParameterizedTest
    @MethodSource("malformedInput")
    void malformedInputClosesOnlyThatConnectionWithAReason(boolean helloFirst, Misbehaviour action, String reason)
            throws Exception {
        Central central = central(server -> {});
        Worker worker = worker(central);
        logSteadily(worker, 0, 50);

        RawRelayClient client = helloFirst ? greeted(central) : connect(central);
        action.on(client);
        assertThat(client.refusal()).startsWith(reason);
        await().until(() -> central.server.getProtocolErrors() == 1);
        StatusAssertions.awaitStatus(central.context, Status.WARN, "which sent " + Pattern.quote(reason));

        logSteadily(worker, 50, 100);
        await().until(() -> central.server.getConnections() == 1);
        assertWorkerDeliveredAll(worker, central, 100);
        assertThat(central.server.getProtocolErrors()).isEqualTo(1);
        assertThat(central.server.getRefusedConnections()).isZero();
        assertThat(central.server.getEventsDispatched()).isEqualTo(100);
        assertThat(central.server.isStarted()).isTrue();
    }

    @Test
    void aPeerThatSaysNoHelloInTimeIsClosedAndAWorkerThatDidIsNot() throws Exception {
        Central central = central(server -> server.setHandshakeTimeout(Duration.buildByMilliseconds(200)));
        Worker worker = worker(central);
        logSteadily(worker, 0, 10);

        RawRelayClient silent = connect(central);
        RawRelayClient halfHello = connect(central).raw(RawRelayClient.rawFrame(50, 1, utf8("{\"v\":1,")));
        assertThat(silent.refusal()).isEqualTo("no hello within handshakeTimeout");
        assertThat(halfHello.refusal()).isEqualTo("no hello within handshakeTimeout");
        await().until(() -> central.server.getProtocolErrors() == 2 && central.server.getConnections() == 1);
        StatusAssertions.awaitStatus(central.context, Status.WARN, "that sent no hello within handshakeTimeout");

        logSteadily(worker, 10, 20);
        assertWorkerDeliveredAll(worker, central, 20);
        assertThat(central.server.getProtocolErrors()).isEqualTo(2);
    }

    @Test
    void aConnectionBeyondMaxConnectionsIsRefusedUntilOneCloses() throws Exception {
        Central central = central(server -> server.setMaxConnections(2));
        RawRelayClient first = greeted(central);
        RawRelayClient second = connect(central);
        await().until(() -> central.server.getConnections() == 2);

        RawRelayClient third = connect(central);
        assertThat(third.refusal()).isEqualTo("the server already serves maxConnections (2) workers");
        assertThat(central.server.getRefusedConnections()).isEqualTo(1);
        StatusAssertions.awaitStatus(central.context, Status.WARN, "refused a connection from .*maxConnections");

        first.close();
        await().until(() -> central.server.getConnections() == 1);
        RawRelayClient fourth = greeted(central).events("raw.fourth", 1, 3);
        assertThat(fourth.ackOf(3)).isEqualTo(3);
        second.hello(nextPid++, 1, "late").events("raw.second", 1, 1);
        assertThat(second.ackOf(1)).isEqualTo(1);
        assertThat(messagesOf(central, "raw.fourth")).containsExactly("e1", "e2", "e3");
        assertThat(central.server.getRefusedConnections()).isEqualTo(1);
        assertThat(central.server.getProtocolErrors()).isZero();
    }

    @Test
    void eventsResentUnderTheSameIdentityAreDroppedAndTheNewOnesAcknowledged() throws Exception {
        Central central = central(server -> {});
        try (RawRelayClient first = RawRelayClient.connect(central.server)) {
            first.hello(42, 7, "dup").events("raw.dup", 1, 3);
            assertThat(first.ackOf(3)).isEqualTo(3);
        }
        RawRelayClient second = connect(central).hello(42, 7, "dup").events("raw.dup", 2, 4);
        assertThat(second.ackOf(4)).isEqualTo(4);

        assertThat(messagesOf(central, "raw.dup")).containsExactly("e1", "e2", "e3", "e4");
        assertThat(central.server.getEventsDispatched()).isEqualTo(4);
        assertThat(central.server.getEventsReceived()).isEqualTo(6);
        assertThat(central.server.getDuplicatesDropped()).isEqualTo(2);

        // Another identity (a different start) is another worker: its events 1..2 are new.
        RawRelayClient other = connect(central).hello(42, 8, "dup").events("raw.dup", 1, 2);
        assertThat(other.ackOf(2)).isEqualTo(2);
        assertThat(central.server.getEventsDispatched()).isEqualTo(6);
        assertThat(central.server.getDuplicatesDropped()).isEqualTo(2);
    }

    @Test
    void aResendOfEventsStillInTheHandOffIsAcknowledgedOnTheNewConnection() throws Exception {
        Central central = central(server -> {});
        central.collector.gate = new CountDownLatch(1);
        try (RawRelayClient first = RawRelayClient.connect(central.server)) {
            first.hello(43, 7, "resend").events("raw.resend", 1, 3);
            await().until(() -> central.server.getEventsReceived() == 3);
        }
        // The worker lost its connection before any ack and resends everything on a new one: all duplicates.
        RawRelayClient second = connect(central).hello(43, 7, "resend").events("raw.resend", 1, 3);
        await().until(() -> central.server.getDuplicatesDropped() == 3);
        central.collector.gate.countDown();

        assertThat(assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> second.ackOf(3)))
                .isEqualTo(3);
        assertThat(messagesOf(central, "raw.resend")).containsExactly("e1", "e2", "e3");
    }

    @Test
    void stopReturnsWhileDispatchIsStuckAndTheHandOffIsFull() throws Exception {
        Central central = central(server -> server.setHandoffCapacity(2));
        central.collector.gate = new CountDownLatch(1);
        try {
            greeted(central).events("raw.stuck", 1, 10);
            await().until(() -> central.server.getHandoffDepth() == 2);
            // One event is stuck in the appender, two fill the hand-off, the reader waits to put the fourth.
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), central.server::stop);
            assertThat(central.server.isStarted()).isFalse();
            await().until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().startsWith("sluice-relay-reader-")));
        } finally {
            central.collector.gate.countDown();
        }
    }

    @Test
    void anUndecodableEventIsCountedAndAcknowledgedAndTheConnectionGoesOn() throws Exception {
        Central central = central(server -> {});
        Worker worker = worker(central);
        logSteadily(worker, 0, 10);

        byte[] deep = utf8("{\"v\":1,\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        byte[] garbage = {(byte) 0xff, 0x00, (byte) 0xfe, '{', '"'};
        RawRelayClient client = greeted(central)
                .event(1, RawRelayClient.eventJson("raw.mixed", "good 1"))
                .event(2, utf8("{\"v\":1}"))
                .event(3, garbage)
                .event(4, deep)
                .event(5, new byte[0])
                .event(6, utf8("{\"v\":2,\"ts\":\"2026-01-01T00:00:00Z\",\"level\":\"INFO\",\"logger\":\"x\"}"))
                .event(7, RawRelayClient.eventJson("raw.mixed", "good 7"));
        assertThat(client.ackOf(7)).isEqualTo(7);
        assertThat(central.server.getUndecodableEvents()).isEqualTo(5);
        StatusAssertions.awaitStatus(
                central.context, Status.WARN, "dropped event 2 from .* whose JSON it cannot decode");

        client.event(8, RawRelayClient.eventJson("raw.mixed", "good 8"));
        assertThat(client.ackOf(8)).isEqualTo(8);
        assertThat(messagesOf(central, "raw.mixed")).containsExactly("good 1", "good 7", "good 8");
        assertThat(central.server.getProtocolErrors()).isZero();
        assertThat(central.server.getConnections()).isEqualTo(2);

        logSteadily(worker, 10, 20);
        assertWorkerDeliveredAll(worker, central, 20);
    }

    @Test
    void aClientThatClosesBetweenFramesIsNoProtocolError() throws Exception {
        Central central = central(server -> {});
        try (RawRelayClient client = RawRelayClient.connect(central.server)) {
            client.hello(44, 1, "polite").events("raw.polite", 1, 2);
            assertThat(client.ackOf(2)).isEqualTo(2);
            client.shutdownOutput();
            assertThat(client.read()).isNull();
        }
        try (RawRelayClient client = RawRelayClient.connect(central.server)) {
            client.shutdownOutput();
            assertThat(client.read()).isNull();
        }
        await().until(() -> central.server.getConnections() == 0);
        assertThat(central.server.getProtocolErrors()).isZero();
    }
}
