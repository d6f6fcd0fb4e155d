package dev.sluice.queue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.Duration;
import java.util.function.Consumer;
import org.slf4j.MDC;

/** A worker process in miniature: its own {@link LoggerContext} with a started {@link RelayAppender} on the root. */
final class Worker implements AutoCloseable {

    final LoggerContext context = new LoggerContext();
    final RelayAppender appender = new RelayAppender();

    Worker(String name, String address, Consumer<RelayAppender> settings) {
        context.setName(name);
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        appender.setContext(context);
        appender.setName("RELAY");
        appender.setAddress(address);
        appender.setProcessName(name);
        appender.setRetryInitialDelay(Duration.buildByMilliseconds(10));
        appender.setRetryMaxDelay(Duration.buildByMilliseconds(100));
        settings.accept(appender);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        if (appender.isStarted()) {
            root.addAppender(appender);
        }
    }

    Logger logger(String name) {
        return context.getLogger(name);
    }

    @Override
    public void close() {
        context.stop();
    }
}
