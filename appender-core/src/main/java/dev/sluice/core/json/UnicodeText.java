package dev.sluice.core.json;

/**
 * Makes text valid Unicode: a lone surrogate (half of a UTF-16 pair) becomes U+FFFD. Used where a lone surrogate
 * cannot go: JSON field names (parsers reject them) and text columns (a UTF-8 encoder would turn it into {@code ?}).
 * NUL and other control characters are kept as they are.
 */
public final class UnicodeText {

    private UnicodeText() {}

    /** {@code text} itself when it holds no lone surrogate, else a copy with each one replaced; null stays null. */
    public static String valid(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return replaceLoneSurrogates(text, i);
            }
        }
        return text;
    }

    private static String replaceLoneSurrogates(String text, int from) {
        StringBuilder sb = new StringBuilder(text.length()).append(text, 0, from);
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }
}
