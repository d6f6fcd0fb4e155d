package dev.sluice.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.sluice.core.BatchSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSinksTest {

    @TempDir
    Path directory;

    @Test
    void aWriteThatReturnedIsInTheFile() throws Exception {
        ContextAwareBase status = new ContextAwareBase();
        status.setContext(new LoggerContext());
        Path file = directory.resolve("nested/central.db");
        BatchSink<ILoggingEvent> sink = SqliteSinks.forFile(file, status);
        sink.open();
        sink.write(List.of(event(Level.INFO, "first"), event(Level.ERROR, "second")));
        sink.close();

        try (LogStore store = LogStore.open(file)) {
            List<LogRecord> logs = store.logs(LogQuery.all());
            assertThat(logs).extracting(LogRecord::message).containsExactlyInAnyOrder("first", "second");
        }
    }

    private static LoggingEvent event(Level level, String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLevel(level);
        event.setLoggerName("central");
        event.setThreadName("main");
        event.setMessage(message);
        event.setTimeStamp(System.currentTimeMillis());
        event.setMDCPropertyMap(Map.of());
        event.setCallerData(new StackTraceElement[0]);
        return event;
    }
}
