package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.util.Duration;
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
}
