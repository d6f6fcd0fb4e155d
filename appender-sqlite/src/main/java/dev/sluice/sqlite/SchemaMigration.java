package dev.sluice.sqlite;

import java.util.List;

/** The statements that bring a database from {@code version - 1} to {@code version}. */
record SchemaMigration(int version, List<String> statements) {

    SchemaMigration {
        statements = List.copyOf(statements);
    }
}
