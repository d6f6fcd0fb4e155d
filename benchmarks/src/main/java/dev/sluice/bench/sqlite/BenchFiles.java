package dev.sluice.bench.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** The benchmark's scratch directory: one fresh database file per measured run, deleted when the run is over. */
final class BenchFiles implements AutoCloseable {

    private static final String[] SIDE_FILES = {"", "-wal", "-shm", "-journal"};

    private final Path dir;
    private final AtomicInteger next = new AtomicInteger();

    BenchFiles(Path parent) throws IOException {
        Files.createDirectories(parent);
        this.dir = Files.createTempDirectory(parent, "sluice-sqlite-bench-");
    }

    Path dir() {
        return dir;
    }

    /** A path in the scratch directory where no file exists yet. */
    Path fresh(String label) {
        return dir.resolve(label + "-" + next.incrementAndGet() + ".db");
    }

    /** Deletes a database file with its WAL, shared-memory and rollback-journal files. */
    static void delete(Path db) {
        for (String suffix : SIDE_FILES) {
            try {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code SELECT count(*)} of a table, read by a separate connection: what is committed, nothing else. */
    static long count(Path db, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Removes whatever is left in the scratch directory, then the directory. */
    @Override
    public void close() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
