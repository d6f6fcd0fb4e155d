package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Schema creation and upgrades in place, with a made-up history of two versions. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchemaMigratorTest {

    private static final SchemaMigration V1 =
            new SchemaMigration(1, List.of("CREATE TABLE logs (id INTEGER PRIMARY KEY, message TEXT NOT NULL)"));
    private static final SchemaMigration V2 = new SchemaMigration(
            2, List.of("ALTER TABLE logs ADD COLUMN tag TEXT", "CREATE INDEX logs_tag ON logs (tag)"));

    @TempDir
    Path dir;

    @Test
    void upgradesAVersionOneDatabaseInPlaceKeepingItsRows() throws Exception {
        Path db = dir.resolve("upgrade.db");
        createVersionOneWithRows(db);

        assertThat(migrate(db, V1, V2)).as("version found").isEqualTo(1);
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(2);
        assertThat(count(db, "SELECT count(*) FROM sluice_schema")).isEqualTo(1);
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id")).containsExactly("one", "two", "three");
        assertThat(strings(db, "SELECT name FROM pragma_table_info('logs') ORDER BY cid"))
                .containsExactly("id", "message", "tag");
        assertThat(strings(db, "SELECT name FROM sqlite_schema WHERE type = 'index'"))
                .containsExactly("logs_tag");
        try (Connection c = jdbc(db);
                Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE logs SET tag = 'new column'")).isEqualTo(3);
        }

        assertThat(migrate(db, V1, V2))
                .as("a second run finds the latest version")
                .isEqualTo(2);
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(3);
    }

    @Test
    void aFailingUpgradeLeavesTheDatabaseAsItWas() throws Exception {
        Path db = dir.resolve("failed-upgrade.db");
        createVersionOneWithRows(db);
        SchemaMigration broken = new SchemaMigration(
                2, List.of("ALTER TABLE logs ADD COLUMN tag TEXT", "CREATE INDEX broken ON no_such_table (x)"));

        assertThatThrownBy(() -> migrate(db, V1, broken))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no_such_table");
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(1);
        assertThat(strings(db, "SELECT name FROM pragma_table_info('logs') ORDER BY cid"))
                .containsExactly("id", "message");
        assertThat(strings(db, "SELECT message FROM logs ORDER BY id")).containsExactly("one", "two", "three");

        assertThat(migrate(db, V1, V2)).as("the fixed upgrade then runs").isEqualTo(1);
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(2);
    }

    @Test
    void twoMigratorsRacingOnANewFileCreateTheSchemaOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Path db = dir.resolve("race-" + round + ".db");
                CyclicBarrier open = new CyclicBarrier(2);
                CyclicBarrier migrate = new CyclicBarrier(2);
                List<Future<Integer>> racers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    racers.add(threads.submit(() -> openAndMigrate(db, open, migrate)));
                }
                List<Integer> found = new ArrayList<>();
                for (Future<Integer> racer : racers) {
                    found.add(racer.get(60, TimeUnit.SECONDS));
                }
                assertThat(found).as("round " + round).containsExactlyInAnyOrder(0, 2);
                assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(2);
                assertThat(count(db, "SELECT count(*) FROM sluice_schema")).isEqualTo(1);
                assertThat(strings(db, "SELECT type || ' ' || name FROM sqlite_schema ORDER BY name"))
                        .containsExactly("table logs", "index logs_tag", "table sluice_schema");
                assertThat(strings(db, "SELECT name FROM pragma_table_info('logs') ORDER BY cid"))
                        .containsExactly("id", "message", "tag");
                assertThat(strings(db, "PRAGMA journal_mode")).containsExactly("wal");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Opens the file as the appender's writer does (the pragmas race too), then migrates; both steps start together. */
    private static int openAndMigrate(Path db, CyclicBarrier open, CyclicBarrier migrate) throws Exception {
        SchemaMigrator migrator = new SchemaMigrator(List.of(V1, V2));
        open.await(60, TimeUnit.SECONDS);
        try (Connection c =
                SqliteConnections.openWriter(new SqliteFileSettings(db, "WAL", "NORMAL", 30_000, 2048, 0), migrator)) {
            migrate.await(60, TimeUnit.SECONDS);
            return migrator.migrate(c, db.toString());
        }
    }

    private static void createVersionOneWithRows(Path db) throws SQLException {
        assertThat(migrate(db, V1)).as("version found in a new file").isZero();
        assertThat(count(db, "SELECT version FROM sluice_schema")).isEqualTo(1);
        try (Connection c = jdbc(db);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO logs (message) VALUES ('one'), ('two'), ('three')");
        }
    }

    private static int migrate(Path db, SchemaMigration... migrations) throws SQLException {
        try (Connection c = jdbc(db)) {
            return new SchemaMigrator(List.of(migrations)).migrate(c, db.toString());
        }
    }
}
