package dev.sluice.core;

import java.util.List;

/** Recognises the loggers whose events must not enter an appender: the libraries its own sink logs through. */
final class FeedbackGuard {

    private final String[] prefixes;

    FeedbackGuard(List<String> prefixes) {
        this.prefixes = prefixes.toArray(String[]::new);
    }

    boolean excludes(String loggerName) {
        if (loggerName == null) {
            return false;
        }
        for (String prefix : prefixes) {
            if (loggerName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
