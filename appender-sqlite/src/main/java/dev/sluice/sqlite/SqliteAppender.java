package dev.sluice.sqlite;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.sluice.core.BatchSink;
import dev.sluice.core.JsonEventAppenderBase;
import dev.sluice.core.json.EventJsonParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes log events into a SQLite database file: one writer thread, one transaction per batch, WAL. Events marked with
 * {@link dev.sluice.core.SluiceMetrics#MARKER} go to the {@code metrics} table. Optional retention deletes old rows on
 * the writer thread and gives the space back. Query the file with {@link LogStore}, while the appender writes.
 *
 * <pre>{@code
 * <appender name="SQLITE" class="dev.sluice.sqlite.SqliteAppender">
 *   <path>logs/app.db</path>
 *   <maxAge>7 days</maxAge>
 * </appender>
 * }</pre>
 */
public class SqliteAppender extends JsonEventAppenderBase {

    /** Default {@code journalMode}: {@value}. */
    public static final String DEFAULT_JOURNAL_MODE = "WAL";
    /** Default {@code synchronous}: {@value} (a commit survives an application crash; see the README). */
    public static final String DEFAULT_SYNCHRONOUS = "NORMAL";
    /** Default {@code busyTimeout} in milliseconds: {@value}. */
    public static final long DEFAULT_BUSY_TIMEOUT_MILLIS = 5_000;
    /** Default {@code cacheSize}: {@value}. */
    public static final String DEFAULT_CACHE_SIZE = "64 MB";
    /** Default {@code batchSize} for SQLite: {@value} (commits past about a thousand rows gain little). */
    public static final int DEFAULT_SQLITE_BATCH_SIZE = 1024;
    /** Default {@code retentionInterval} in milliseconds: {@value} (five minutes). */
    public static final long DEFAULT_RETENTION_INTERVAL_MILLIS = 300_000;
    /** Default {@code retentionChunkSize}: {@value} rows per delete transaction. */
    public static final int DEFAULT_RETENTION_CHUNK_SIZE = 10_000;

    static final Set<String> JOURNAL_MODES = Set.of("WAL", "DELETE", "TRUNCATE", "PERSIST");
    static final Set<String> SYNCHRONOUS_MODES = Set.of("OFF", "NORMAL", "FULL", "EXTRA");

    private String path;
    private String journalMode = DEFAULT_JOURNAL_MODE;
    private String synchronous = DEFAULT_SYNCHRONOUS;
    private Duration busyTimeout = Duration.buildByMilliseconds(DEFAULT_BUSY_TIMEOUT_MILLIS);
    private FileSize cacheSize = FileSize.valueOf(DEFAULT_CACHE_SIZE);
    private FileSize maxDatabaseSize;
    private Duration maxAge;
    private long maxRows;
    private Duration retentionInterval = Duration.buildByMilliseconds(DEFAULT_RETENTION_INTERVAL_MILLIS);
    private int retentionChunkSize = DEFAULT_RETENTION_CHUNK_SIZE;

    private Path resolvedPath;
    private volatile SqliteSink sink;
    private volatile Retention retention;

    @Override
    protected String workerKind() {
        return "sqlite";
    }

    @Override
    protected int defaultBatchSize() {
        return DEFAULT_SQLITE_BATCH_SIZE;
    }

    /** The driver logs through SLF4J; its events must not come back into the database they are about. */
    @Override
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of("org.sqlite.");
    }

    @Override
    protected void validateSinkSettings(List<String> errors) {
        resolvedPath = checkPath(errors);
        if (!JOURNAL_MODES.contains(upper(journalMode))) {
            errors.add("journalMode must be one of WAL, DELETE, TRUNCATE or PERSIST, was '" + journalMode + "'.");
        }
        if (!SYNCHRONOUS_MODES.contains(upper(synchronous))) {
            errors.add("synchronous must be one of OFF, NORMAL, FULL or EXTRA, was '" + synchronous + "'.");
        }
        if (busyTimeout == null
                || busyTimeout.getMilliseconds() < 0
                || busyTimeout.getMilliseconds() > Integer.MAX_VALUE) {
            errors.add("busyTimeout must be between 0 and " + Integer.MAX_VALUE + " milliseconds, was " + busyTimeout
                    + ".");
        }
        if (cacheSize == null || cacheSize.getSize() < 1024) {
            errors.add("cacheSize must be at least 1 KB, was " + cacheSize + ".");
        }
        if (maxDatabaseSize != null && maxDatabaseSize.getSize() < 64 * 1024) {
            errors.add("maxDatabaseSize must be at least 64 KB when set, was " + maxDatabaseSize + ".");
        }
        if (maxAge != null && maxAge.getMilliseconds() < 0) {
            errors.add("maxAge must not be negative, was " + maxAge + ".");
        }
        if (maxRows < 0) {
            errors.add("maxRows must not be negative, was " + maxRows + ".");
        }
        if (retentionInterval == null || retentionInterval.getMilliseconds() < 1) {
            errors.add("retentionInterval must be at least 1 millisecond, was " + retentionInterval + ".");
        }
        if (retentionChunkSize < 1) {
            errors.add("retentionChunkSize must be at least 1, was " + retentionChunkSize + ".");
        }
    }

    /** The database file as an absolute path, its directory created; null with an error naming the path if unusable. */
    private Path checkPath(List<String> errors) {
        if (path == null || path.isBlank()) {
            errors.add("path is not set; set <path> to the database file, e.g. logs/app.db.");
            return null;
        }
        if (path.contains("?") || path.trim().startsWith(":") || path.trim().startsWith("file:")) {
            errors.add("path '" + path + "' must be a plain file path (no '?', no ':memory:', no 'file:' URI).");
            return null;
        }
        Path file;
        try {
            file = Path.of(path.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            errors.add("path '" + path + "' is not a valid path: " + e.getMessage() + ".");
            return null;
        }
        if (Files.isDirectory(file)) {
            errors.add("path " + file + " is a directory; it must name the database file.");
            return null;
        }
        Path directory = file.getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            errors.add("cannot create the directory " + directory + " for the database " + file + ": " + e + ".");
            return null;
        }
        if (!Files.isWritable(directory)) {
            errors.add("the directory " + directory + " of the database " + file + " is not writable.");
            return null;
        }
        if (Files.exists(file) && (!Files.isRegularFile(file) || !Files.isWritable(file))) {
            errors.add("the database file " + file + " exists but is not a writable regular file.");
            return null;
        }
        return file;
    }

    private static String upper(String value) {
        return value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        SqliteFileSettings file = new SqliteFileSettings(
                resolvedPath,
                upper(journalMode),
                upper(synchronous),
                (int) busyTimeout.getMilliseconds(),
                Math.max(1, cacheSize.getSize() / 1024),
                maxDatabaseSize == null ? 0 : maxDatabaseSize.getSize());
        RetentionPolicy policy = new RetentionPolicy(
                maxAge == null ? 0 : maxAge.getMilliseconds(),
                maxRows,
                retentionInterval.getMilliseconds(),
                retentionChunkSize);
        retention = new Retention(policy, System::currentTimeMillis);
        sink = new SqliteSink(file, new EventRows(new EventJsonParts(jsonSettings())), retention, this, getName());
        return sink;
    }

    /** The database file as started, absolute; null before a successful start. */
    public Path getDatabasePath() {
        return sink == null ? null : resolvedPath;
    }

    /** Rows deleted by retention since start. */
    public long getRetentionDeletedRows() {
        Retention current = retention;
        return current == null ? 0 : current.deletedTotal();
    }

    /** Events marked as metrics but stored in {@code logs}, for lack of a name or a numeric value, since start. */
    public long getInvalidMetrics() {
        SqliteSink current = sink;
        return current == null ? 0 : current.invalidMetrics();
    }

    /** The database file; a missing directory is created. Required. */
    public void setPath(String path) {
        this.path = path;
    }

    public String getPath() {
        return path;
    }

    /** {@code WAL} (the default), {@code DELETE}, {@code TRUNCATE} or {@code PERSIST}. */
    public void setJournalMode(String journalMode) {
        this.journalMode = journalMode;
    }

    public String getJournalMode() {
        return journalMode;
    }

    /** {@code NORMAL} (the default), {@code FULL}, {@code EXTRA} or {@code OFF}. */
    public void setSynchronous(String synchronous) {
        this.synchronous = synchronous;
    }

    public String getSynchronous() {
        return synchronous;
    }

    /** How long a write waits for another connection's lock before it fails and is retried. Default 5 seconds. */
    public void setBusyTimeout(Duration busyTimeout) {
        this.busyTimeout = busyTimeout;
    }

    public Duration getBusyTimeout() {
        return busyTimeout;
    }

    /** The writer's page cache. Default {@value #DEFAULT_CACHE_SIZE}. */
    public void setCacheSize(FileSize cacheSize) {
        this.cacheSize = cacheSize;
    }

    public FileSize getCacheSize() {
        return cacheSize;
    }

    /** The largest the file may grow; a full file fails writes (retried) until retention frees pages. Default none. */
    public void setMaxDatabaseSize(FileSize maxDatabaseSize) {
        this.maxDatabaseSize = maxDatabaseSize;
    }

    public FileSize getMaxDatabaseSize() {
        return maxDatabaseSize;
    }

    /** Retention: delete rows older than this. Default none (keep every age). */
    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    /** Retention: keep at most this many rows in each table, the newest. Default 0 (no limit). */
    public void setMaxRows(long maxRows) {
        this.maxRows = maxRows;
    }

    public long getMaxRows() {
        return maxRows;
    }

    /** How often retention runs. Default 5 minutes. */
    public void setRetentionInterval(Duration retentionInterval) {
        this.retentionInterval = retentionInterval;
    }

    public Duration getRetentionInterval() {
        return retentionInterval;
    }

    /** Rows deleted per retention transaction. Default {@value #DEFAULT_RETENTION_CHUNK_SIZE}. */
    public void setRetentionChunkSize(int retentionChunkSize) {
        this.retentionChunkSize = retentionChunkSize;
    }

    public int getRetentionChunkSize() {
        return retentionChunkSize;
    }
}
