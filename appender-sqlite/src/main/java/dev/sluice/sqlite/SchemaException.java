package dev.sluice.sqlite;

import java.sql.SQLException;

/** The database holds a schema this Sluice cannot use; retrying cannot help. */
final class SchemaException extends SQLException {

    private static final long serialVersionUID = 1L;

    SchemaException(String message) {
        super(message);
    }
}
