/**
 * The SQLite benchmark: the {@code SqliteAppender} end to end against the raw JDBC limit and logback-db's
 * {@code DBAppender}. Run it with {@code scripts/bench sqlite}; see {@link dev.sluice.bench.sqlite.SqliteBench}.
 */
package dev.sluice.bench.sqlite;
