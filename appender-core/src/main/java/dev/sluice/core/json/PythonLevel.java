package dev.sluice.core.json;

import ch.qos.logback.classic.Level;

/**
 * Python's logging level names, for the compatibility payloads of consumers written for Python producers:
 * {@code WARN} is {@code WARNING}, and {@code TRACE} is {@code DEBUG}, Python's lowest.
 */
public final class PythonLevel {

    private PythonLevel() {}

    /** {@code ERROR}, {@code WARNING}, {@code INFO} or {@code DEBUG}. */
    public static String of(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }
}
