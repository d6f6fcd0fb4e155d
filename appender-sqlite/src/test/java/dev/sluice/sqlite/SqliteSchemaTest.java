package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public DDL gives another file the same tables and indexes as the appender's migrations. */
class SqliteSchemaTest {

    private static final String SCHEMA = "SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema"
            + " WHERE name NOT LIKE 'sqlite_%' AND name <> '" + SqliteSchema.VERSION_TABLE + "' ORDER BY name";

    @TempDir
    Path dir;

    @Test
    void ddlStatementsCreateWhatTheMigrationsCreate() throws Exception {
        Path migrated = dir.resolve("migrated.db");
        try (Connection c = jdbc(migrated)) {
            new SchemaMigrator(SqliteSchema.MIGRATIONS).migrate(c, migrated.toString());
        }
        Path created = dir.resolve("created.db");
        try (Connection c = jdbc(created);
                Statement s = c.createStatement()) {
            for (String sql : SqliteSchema.ddlStatements()) {
                s.execute(sql);
            }
        }
        List<String> expected = strings(migrated, SCHEMA);
        assertThat(expected).anyMatch(line -> line.startsWith("table logs:"));
        assertThat(strings(created, SCHEMA)).isEqualTo(expected);
    }

    @Test
    void ddlStatementsCannotBeChanged() {
        assertThatThrownBy(() -> SqliteSchema.ddlStatements().add("DROP TABLE logs"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
