/**
 * SQLite appender: batched WAL writes ({@link dev.sluice.sqlite.SqliteAppender}), a queryable log store
 * ({@link dev.sluice.sqlite.LogStore}), a metrics table and retention.
 */
package dev.sluice.sqlite;
