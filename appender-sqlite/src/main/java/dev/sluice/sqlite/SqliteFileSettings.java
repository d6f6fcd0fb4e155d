package dev.sluice.sqlite;

import java.nio.file.Path;

/**
 * How the writer opens the database file: the file, its journal mode and sync level, the busy timeout, the page
 * cache, and an optional size cap.
 *
 * @param path the database file, absolute
 * @param journalMode {@code WAL}, {@code DELETE}, {@code TRUNCATE} or {@code PERSIST}
 * @param synchronous {@code OFF}, {@code NORMAL}, {@code FULL} or {@code EXTRA}
 * @param busyTimeoutMillis how long a statement waits for another connection's lock
 * @param cacheSizeKib the page cache, in KiB
 * @param maxDatabaseBytes the largest the file may grow (rounded down to whole pages), or 0 for no cap
 */
record SqliteFileSettings(
        Path path,
        String journalMode,
        String synchronous,
        int busyTimeoutMillis,
        long cacheSizeKib,
        long maxDatabaseBytes) {}
