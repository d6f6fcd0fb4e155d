package dev.sluice.sqlite;

/**
 * A {@link LogStore} could not open a database, or a query on it failed. The message names the database file; the
 * cause, when there is one, is the driver's {@link java.sql.SQLException}.
 */
public class LogStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LogStoreException(String message) {
        super(message);
    }

    LogStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
