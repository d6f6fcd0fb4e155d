package dev.sluice.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns untrusted context ids (MDC values) into safe channel names: {@code <prefix>:<id>}, stream keys
 * {@code stream:<channel>}. An id made only of {@code A-Z a-z 0-9 . _ -}, at most {@code maxIdLength} long and not
 * naming the global channel, is used as it is. Any other id keeps its safe characters (others become {@code _}), is
 * cut to leave room, and ends with {@code ~} and 8 hex digits of its SHA-256: so glob characters ({@code * ? [ ]}),
 * separators ({@code :}), spaces, control characters and over-long values never reach Redis, and two different
 * ids never share a channel by accident ({@code ~} cannot occur in an id used as it is).
 */
final class ChannelNames {

    /** The shortest {@code maxIdLength} accepted: room for a few characters and the hash suffix. */
    static final int MIN_ID_LENGTH = 16;

    private static final int HASH_HEX_DIGITS = 8;

    private final String prefix;
    private final String globalChannel;
    private final int maxIdLength;

    ChannelNames(String prefix, String globalChannel, int maxIdLength) {
        this.prefix = prefix;
        this.globalChannel = globalChannel;
        this.maxIdLength = maxIdLength;
    }

    String globalChannel() {
        return globalChannel;
    }

    /** The channel of a context id; never the global channel, never a pattern. */
    String contextChannel(String id) {
        String channel = prefix + ":" + safeId(id);
        return channel.equals(globalChannel) ? prefix + ":" + hashed(id) : channel;
    }

    static String streamKey(String channel) {
        return "stream:" + channel;
    }

    String safeId(String id) {
        return isSafe(id) ? id : hashed(id);
    }

    private boolean isSafe(String id) {
        if (id.isEmpty() || id.length() > maxIdLength) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!isSafeChar(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSafeChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }

    private String hashed(String id) {
        int keep = Math.min(id.length(), maxIdLength - HASH_HEX_DIGITS - 1);
        StringBuilder sb = new StringBuilder(maxIdLength);
        for (int i = 0; i < keep; i++) {
            char c = id.charAt(i);
            sb.append(isSafeChar(c) ? c : '_');
        }
        return sb.append('~').append(sha256Hex(id), 0, HASH_HEX_DIGITS).toString();
    }

    private static String sha256Hex(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
