package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.BatchSink;
import java.util.List;

/**
 * Dispatches each event into a local {@link LoggerContext} as if it had been logged there: its logger's level and
 * the appenders of the context's {@code logback.xml} decide where it goes. A write never fails, so an event is
 * acked once the context's appenders have taken it; with an asynchronous appender that is before it is on disk.
 */
public final class LoggerContextSink implements BatchSink<ILoggingEvent> {

    private final LoggerContext context;

    public LoggerContextSink(LoggerContext context) {
        this.context = context;
    }

    @Override
    public void write(List<ILoggingEvent> batch) {
        for (ILoggingEvent event : batch) {
            ch.qos.logback.classic.Logger logger = context.getLogger(event.getLoggerName());
            if (logger.isEnabledFor(event.getLevel())) {
                logger.callAppenders(event);
            }
        }
    }
}
