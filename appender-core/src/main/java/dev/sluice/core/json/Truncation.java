package dev.sluice.core.json;

/**
 * Cuts strings to the encoder's {@code maxStringLength}: the head of the string, then a visible marker saying how many
 * characters were cut, e.g. {@code "abc…[truncated 1234567 chars]"}, the marker included within the length.
 */
final class Truncation {

    /** Starts the marker appended to a cut string: a horizontal ellipsis, U+2026. */
    static final String MARKER_START = "\u2026[truncated ";

    static final String MARKER_END = " chars]";

    /** The longest marker: {@value} characters, for a cut of {@link Integer#MAX_VALUE} characters. */
    static final int MAX_MARKER_LENGTH = 29;

    private Truncation() {}

    /**
     * {@code text} itself when it has at most {@code maxLength} characters ({@code char}s, as {@link String#length()}
     * counts them); else its first characters followed by {@code …[truncated N chars]}, where N is the number of
     * characters left out, at most {@code maxLength} characters in all. A surrogate pair is never split: the cut moves
     * one character earlier instead.
     *
     * @param maxLength at least {@link #MAX_MARKER_LENGTH} + 1
     */
    static String truncate(String text, int maxLength) {
        if (text == null || text.length() <= maxLength) {
            return text;
        }
        int length = text.length();
        // Size the marker for the cut that the longest possible marker (counting all characters) would leave: that
        // cut is never smaller than the final one, so the marker always fits, and the total is usually maxLength.
        int keep = maxLength - markerLength(length - (maxLength - markerLength(length)));
        if (Character.isHighSurrogate(text.charAt(keep - 1)) && Character.isLowSurrogate(text.charAt(keep))) {
            keep--;
        }
        int removed = length - keep;
        return new StringBuilder(maxLength)
                .append(text, 0, keep)
                .append(MARKER_START)
                .append(removed)
                .append(MARKER_END)
                .toString();
    }

    private static int markerLength(int removed) {
        return MARKER_START.length() + Integer.toString(removed).length() + MARKER_END.length();
    }
}
