package dev.sluice.core.json;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

/** Real Logback events for the codec tests, from a private {@link LoggerContext}. */
final class TestEvents {

    /** 2026-11-21T18:35:56.123Z */
    static final long TIMESTAMP = 1_795_286_156_123L;

    static final String FQCN = TestEvents.class.getName();

    final LoggerContext context = new LoggerContext();
    final Logger logger;

    TestEvents() {
        context.setName("test-context");
        // Normally installed by the SLF4J service provider; a private context needs its own.
        context.setMDCAdapter(new LogbackMDCAdapter());
        logger = context.getLogger("com.example.Billing");
    }

    /** An event with a fixed timestamp, thread name and sequence number. */
    LoggingEvent event(Level level, String message, Throwable throwable, Object... args) {
        LoggingEvent event = new LoggingEvent(FQCN, logger, level, message, throwable, args.length == 0 ? null : args);
        event.setTimeStamp(TIMESTAMP);
        event.setThreadName("worker-1");
        event.setSequenceNumber(42);
        return event;
    }

    LoggingEvent event(String message) {
        return event(Level.INFO, message, null);
    }

    /** A throwable with {@code count} synthetic frames, so frame counts do not depend on the test runner. */
    static <T extends Throwable> T withFrames(T e, int count) {
        StackTraceElement[] frames = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            frames[i] = new StackTraceElement("com.example.Frame" + i, "call" + i, "Frame" + i + ".java", i + 1);
        }
        e.setStackTrace(frames);
        return e;
    }

    /** Every control character U+0000..U+001F, in order. */
    static String controlCharacters() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
