package dev.sluice.sqlite;

import dev.sluice.core.SinkException;
import java.sql.SQLException;

/** Decides what a failed SQLite call means for the batch: retry it (and whether to reopen first), or isolate it. */
final class SqliteFailures {

    // Primary result codes (the low byte of an extended code), from sqlite3.h.
    static final int SQLITE_ERROR = 1;
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_NOMEM = 7;
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_FULL = 13;
    static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_PROTOCOL = 15;
    static final int SQLITE_NOTADB = 26;

    private SqliteFailures() {}

    /** The primary SQLite result code in the exception or its causes, or 0 when there is none. */
    static int primaryCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
                return sql.getErrorCode() & 0xff;
            }
        }
        return 0;
    }

    /**
     * Whether retrying the same batch can succeed: another connection's lock, a full disk or size cap, an I/O or
     * permission problem, a file that was replaced. The events wait in the queue meanwhile, and drops beyond its
     * capacity are counted. Anything else (a value SQLite refuses) is a problem of the batch's content.
     */
    static boolean isRetryable(int code) {
        return switch (code) {
            case SQLITE_BUSY,
                    SQLITE_LOCKED,
                    SQLITE_NOMEM,
                    SQLITE_READONLY,
                    SQLITE_IOERR,
                    SQLITE_CORRUPT,
                    SQLITE_FULL,
                    SQLITE_CANTOPEN,
                    SQLITE_PROTOCOL,
                    SQLITE_NOTADB -> true;
            default -> false;
        };
    }

    /** Whether the connection should be closed and opened afresh before the retry: the file itself is in doubt. */
    static boolean needsReopen(int code) {
        return switch (code) {
            case SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB -> true;
            default -> false;
        };
    }

    /** The exception the pipeline acts on. */
    static SinkException forPipeline(SQLException failure, String path) {
        int code = primaryCode(failure);
        String message = "SQLite write to " + path + " failed (result code " + code + ")";
        return isRetryable(code)
                ? SinkException.retryable(message, failure)
                : SinkException.permanent(message, failure);
    }

    /** The exception the pipeline acts on when the file cannot be opened: retryable, naming the file and the cause. */
    static SinkException forOpen(SQLException failure, String path) {
        return SinkException.retryable(
                "SQLite could not open " + path + " (result code " + primaryCode(failure) + "): "
                        + failure.getMessage(),
                failure);
    }
}
