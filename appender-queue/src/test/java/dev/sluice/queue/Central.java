package dev.sluice.queue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A central process in miniature: its own {@link LoggerContext} whose root logger collects every event into a list,
 * optionally holding dispatch at a gate, and a {@link RelayServer} dispatching into it, with its socket directory in
 * the test's temporary directory.
 */
final class Central implements AutoCloseable {

    /** Collects events; blocks while the gate is closed. */
    static final class Collector extends UnsynchronizedAppenderBase<ILoggingEvent> {
        final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        protected void append(ILoggingEvent event) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add(event);
        }

        List<String> messages() {
            return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    final LoggerContext context = new LoggerContext();
    final Collector collector = new Collector();
    final RelayServer server = new RelayServer();

    Central(Path directory, Consumer<RelayServer> settings) {
        context.setName("central");
        context.start();
        collector.setContext(context);
        collector.setName("COLLECT");
        collector.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        root.addAppender(collector);
        server.setContext(context);
        server.setSocketDirectory(directory.toString());
        settings.accept(server);
        server.start();
        if (!server.isStarted()) {
            throw new IllegalStateException(
                    "relay server not started: " + context.getStatusManager().getCopyOfStatusList());
        }
    }

    @Override
    public void close() {
        server.stop();
        context.stop();
    }
}
