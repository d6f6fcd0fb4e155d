/** SQLite appender: batched WAL writes, a queryable log store, metrics and retention. Not built yet (issue 3). */
package dev.sluice.sqlite;
