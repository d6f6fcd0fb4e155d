package dev.sluice.core;

import java.util.Locale;

/** What {@code append()} does when the queue is full. */
public enum OverflowPolicy {
    /** Never wait: the event is dropped and counted as {@code queue_full}. The default. */
    DROP,
    /**
     * Wait for room, at most {@code appendTimeout} when that is positive, else until there is room or the appender
     * stops; an event that still finds no room is dropped and counted as {@code queue_full}.
     */
    BLOCK;

    /** Parses a policy name case-insensitively, as written in {@code logback.xml}. */
    public static OverflowPolicy parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("overflowPolicy is missing; use DROP or BLOCK");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overflowPolicy '" + text + "' is unknown; use DROP or BLOCK", e);
        }
    }
}
