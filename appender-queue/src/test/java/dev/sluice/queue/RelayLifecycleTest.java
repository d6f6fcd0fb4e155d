package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: the listener's server stops before the appenders; a lost server ends a worker's wait. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayLifecycleTest {

    @TempDir
    Path temp;

    @Test
    void aStoppingContextStopsTheServerBeforeItsAppenders() {
        LoggerContext context = new LoggerContext();
        context.start();
        RelayServerListener listener = new RelayServerListener();
        AtomicBoolean serverRunningWhenAppenderStopped = new AtomicBoolean(true);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {}

            @Override
            public void stop() {
                serverRunningWhenAppenderStopped.set(listener.server().isStarted());
                super.stop();
            }
        };
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        listener.setContext(context);
        listener.setSocketDirectory(temp.resolve("sock").toString());
        listener.start();
        context.addListener(listener);
        assertThat(listener.server().isStarted()).isTrue();
        assertThat(System.getProperty(RelayAddress.SYSTEM_PROPERTY))
                .isEqualTo(listener.server().address().toString());

        context.stop();
        // Otherwise the server would acknowledge events dispatched into a logger tree without appenders.
        assertThat(serverRunningWhenAppenderStopped).isFalse();
        assertThat(System.getProperty(RelayAddress.SYSTEM_PROPERTY)).isNull();
    }

    @Test
    void aWorkerWaitingForAcksReconnectsAtOnceWhenTheServerGoes() throws Exception {
        Path directory = temp.resolve("sock");
        Central first = new Central(directory, server -> server.setHandoffCapacity(10));
        first.collector.gate = new CountDownLatch(1);
        // With an ackTimeout of ten minutes, only the lost connection can end the worker's wait for room.
        try (Worker worker = new Worker("w-wait", first.server.address().toString(), a -> {
            a.setQueueSize(1000);
            a.setBatchSize(10);
            a.setMaxUnacked(100);
            a.setAckTimeout(Duration.buildBySeconds(600));
        })) {
            Logger logger = worker.logger("app.wait");
            for (int i = 0; i < 500; i++) {
                logger.info("e{}", i);
            }
            await().until(() -> first.server.getHandoffDepth() == 10);
            first.close(); // with its dispatcher held: the server must stop anyway, within its drain time
            first.collector.gate.countDown();
            try (Central second = new Central(directory, server -> {})) {
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> worker.appender.getStats().getDelivered() == 500);
                assertThat(worker.appender.getStats().getDropped()).isZero();
            }
        }
    }

    @Test
    void aStoppingServerDispatchesNoEventReadAfterOneItCouldNotHandOff() throws Exception {
        Central central = new Central(temp.resolve("sock"), server -> server.setHandoffCapacity(1));
        central.collector.gate = new CountDownLatch(1);
        try (RawRelayClient client = RawRelayClient.connect(central.server)) {
            // e1 is held at the gate, e2 fills the hand-off, and the reader blocks handing off e3 with e4..e10 read.
            client.hello(1, 1, "w").events("app.stop", 1, 10);
            await().until(() -> central.server.getEventsReceived() == 3);
            Thread stopping = new Thread(central.server::stop, "stop-server");
            stopping.start();
            // Handing off e3 is refused once the server stops; the gate opens before the 5-second drain ends.
            await().until(() -> central.server.getEventsLeftAtStop() == 1);
            central.collector.gate.countDown();
            stopping.join();
        }
        // Nothing after the refused e3: the worker resends e3..e10 to the next server, which continues the run.
        assertThat(central.collector.messages()).containsExactly("e1", "e2");
        assertThat(central.server.getEventsReceived()).isEqualTo(3);
        assertThat(central.server.getEventsLeftAtStop()).isEqualTo(1);
        StatusAssertions.assertStatus(
                central.context,
                Status.INFO,
                "The relay server stopped: 3 events received, 2 dispatched, 0 duplicates dropped, 0 undecodable, 0"
                        + " connections closed for protocol errors, 0 refused; 1 events read while it stopped are left"
                        + " to their workers to resend\\.");
        central.close();
    }

    @Test
    void aReconnectedWorkersNewConnectionWaitsForItsOldOneToHandOff() throws Exception {
        try (Central central = new Central(temp.resolve("sock"), server -> server.setHandoffCapacity(1));
                RawRelayClient old = RawRelayClient.connect(central.server)) {
            central.collector.gate = new CountDownLatch(1);
            // The old connection's reader blocks handing off e3 with e4 and e5 read.
            old.hello(7, 1, "w").events("app.reconnect", 1, 5);
            await().until(() -> central.server.getEventsReceived() == 3);
            // The worker reconnects and resends e3 onwards: the new connection must not hand off e4 before the old
            // one hands off e3.
            try (RawRelayClient fresh = RawRelayClient.connect(central.server)) {
                fresh.hello(7, 1, "w").events("app.reconnect", 3, 8);
                await().until(() -> central.server.getEventsReceived() == 4);
                central.collector.gate.countDown();
                assertThat(fresh.ackOf(8)).isEqualTo(8);
            }
            assertThat(central.collector.messages()).containsExactly("e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8");
            assertThat(central.server.getDuplicatesDropped()).isEqualTo(3);
        }
    }
}
