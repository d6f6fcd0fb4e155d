package dev.sluice.sqlite;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import dev.sluice.core.BatchSink;
import dev.sluice.core.json.EventJsonParts;
import dev.sluice.core.json.EventJsonSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SQLite sink on its own, for a program that writes batches itself and must know when they are committed, such as
 * the AMQP consumer (it acks a message only after {@code write} returned). Same schema and file settings as
 * {@link SqliteAppender}'s defaults, except {@code synchronous=FULL}: a returned write survives a power loss, not only
 * a crash, because the caller is about to let the source forget the events. No retention. Events keep the service,
 * host and pid they were decoded with.
 */
public final class SqliteSinks {

    private SqliteSinks() {}

    /**
     * A sink writing into the database file, created with its directory if missing; opened by {@code open()}, one
     * transaction per {@code write}. Call it from one thread at a time.
     *
     * @throws UncheckedIOException if the file's directory cannot be created
     * @param status where the sink reports (schema upgrades, space warnings), e.g. a {@code ContextAwareBase}
     */
    public static BatchSink<ILoggingEvent> forFile(Path file, ContextAware status) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + absolute, e);
        }
        SqliteFileSettings settings = new SqliteFileSettings(
                absolute,
                SqliteAppender.DEFAULT_JOURNAL_MODE,
                "FULL",
                (int) SqliteAppender.DEFAULT_BUSY_TIMEOUT_MILLIS,
                64 * 1024,
                0);
        Retention none = new Retention(
                new RetentionPolicy(
                        0,
                        0,
                        SqliteAppender.DEFAULT_RETENTION_INTERVAL_MILLIS,
                        SqliteAppender.DEFAULT_RETENTION_CHUNK_SIZE),
                System::currentTimeMillis);
        return new SqliteSink(
                settings,
                new EventRows(new EventJsonParts(EventJsonSettings.defaults())),
                none,
                status,
                "sqlite-sink:" + absolute.getFileName());
    }
}
