package dev.sluice.core;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;

/** A minimal concrete appender over a sink supplied by the test. */
final class TestSinkAppender extends AsyncBatchAppenderBase {

    private final BatchSink<ILoggingEvent> sink;

    TestSinkAppender(BatchSink<ILoggingEvent> sink) {
        this.sink = sink;
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        return sink;
    }

    @Override
    protected String workerKind() {
        return "test";
    }

    @Override
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of("com.example.client.");
    }
}
