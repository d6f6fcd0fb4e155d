package dev.sluice.bench.relay;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.concurrent.atomic.LongAdder;

/** The central process's sink: counts the events it is handed, from any number of threads. */
final class CountingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final LongAdder count = new LongAdder();

    @Override
    protected void append(ILoggingEvent event) {
        count.increment();
    }

    long count() {
        return count.sum();
    }
}
