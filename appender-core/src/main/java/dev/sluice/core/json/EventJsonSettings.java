package dev.sluice.core.json;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable settings of an {@link EventJsonEncoder}: the identity fields written into every event ({@code service},
 * {@code host}, {@code pid}), the caps that bound the size of a {@code throwable} and the longest string written. Each
 * cap is bounded by what the decoder's default {@link JsonLimits} accept.
 *
 * <pre>{@code
 * EventJsonSettings settings = EventJsonSettings.builder().service("billing").maxFrames(64).build();
 * }</pre>
 */
public final class EventJsonSettings {

    /** Default of {@link Builder#maxThrowableDepth(int)}: {@value}. */
    public static final int DEFAULT_MAX_THROWABLE_DEPTH = 16;

    /**
     * Largest accepted {@link Builder#maxThrowableDepth(int)}: {@value}. Each nesting level costs at most two levels of
     * JSON nesting, so the deepest document then stays within the decoder's default {@link JsonLimits#maxDepth()}.
     */
    public static final int MAX_THROWABLE_DEPTH = 30;

    /** Default of {@link Builder#maxFrames(int)}: {@value}. */
    public static final int DEFAULT_MAX_FRAMES = 256;

    /** Largest accepted {@link Builder#maxFrames(int)}: {@value}, the decoder's default {@link JsonLimits#maxFrames()}. */
    public static final int MAX_FRAMES = JsonLimits.DEFAULT_MAX_FRAMES;

    /**
     * Default of {@link Builder#maxStringLength(int)}: {@value} characters, the decoder's default
     * {@link JsonLimits#maxStringLength()} less a margin of 1 Ki.
     */
    public static final int DEFAULT_MAX_STRING_LENGTH = JsonLimits.DEFAULT_MAX_STRING_LENGTH - 1024;

    /**
     * Largest accepted {@link Builder#maxStringLength(int)}: {@value} characters, the decoder's default
     * {@link JsonLimits#maxStringLength()}.
     */
    public static final int MAX_STRING_LENGTH = JsonLimits.DEFAULT_MAX_STRING_LENGTH;

    /** Smallest accepted {@link Builder#maxStringLength(int)}: {@value} characters, room for the marker and some text. */
    public static final int MIN_STRING_LENGTH = 64;

    /** Default of {@link Builder#maxTotalFrames(int)}: {@value}. */
    public static final int DEFAULT_MAX_TOTAL_FRAMES = 2048;

    /**
     * Largest accepted {@link Builder#maxTotalFrames(int)}: {@value}. At the few hundred bytes a frame of a real stack
     * trace takes, that many frames stay a few MiB, well within the decoder's default
     * {@link JsonLimits#maxDocumentBytes()}.
     */
    public static final int MAX_TOTAL_FRAMES = 8192;

    /** Default of {@link Builder#maxSuppressed(int)}: {@value}. */
    public static final int DEFAULT_MAX_SUPPRESSED = 32;

    /**
     * Largest accepted {@link Builder#maxSuppressed(int)}: {@value}, the decoder's default
     * {@link JsonLimits#maxSuppressed()}.
     */
    public static final int MAX_SUPPRESSED = JsonLimits.DEFAULT_MAX_SUPPRESSED;

    private final String service;
    private final String host;
    private final long pid;
    private final int maxThrowableDepth;
    private final int maxFrames;
    private final int maxTotalFrames;
    private final int maxSuppressed;
    private final int maxStringLength;

    private EventJsonSettings(Builder builder) {
        this.service = builder.service;
        this.host = builder.host;
        this.pid = builder.pid;
        this.maxThrowableDepth = builder.maxThrowableDepth;
        this.maxFrames = builder.maxFrames;
        this.maxTotalFrames = builder.maxTotalFrames;
        this.maxSuppressed = builder.maxSuppressed;
        this.maxStringLength = builder.maxStringLength;
    }

    /** A builder with no service, no host, the current process id and the default caps. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings with every default: no service, no host, the current process id. */
    public static EventJsonSettings defaults() {
        return builder().build();
    }

    /** The {@code service} field, or {@code null} to omit it. */
    public String service() {
        return service;
    }

    /** The {@code host} field, or {@code null} to omit it. */
    public String host() {
        return host;
    }

    /** The {@code pid} field. */
    public long pid() {
        return pid;
    }

    /** How many throwables deep ({@code cause} and {@code suppressed} alike) the encoder writes. */
    public int maxThrowableDepth() {
        return maxThrowableDepth;
    }

    /** How many stack frames the encoder writes per throwable; the rest is counted in {@code omittedFrames}. */
    public int maxFrames() {
        return maxFrames;
    }

    /**
     * How many stack frames the encoder writes in the whole throwable tree; the frames of later throwables are counted
     * in their {@code omittedFrames}.
     */
    public int maxTotalFrames() {
        return maxTotalFrames;
    }

    /**
     * How many suppressed throwables the encoder writes per throwable; the rest is counted in
     * {@code omittedSuppressed}.
     */
    public int maxSuppressed() {
        return maxSuppressed;
    }

    /**
     * The longest message, MDC value, {@code kv} string value or throwable message the encoder writes, in characters;
     * see {@link Builder#maxStringLength(int)}.
     */
    public int maxStringLength() {
        return maxStringLength;
    }

    @Override
    public String toString() {
        return "EventJsonSettings{service=" + service + ", host=" + host + ", pid=" + pid + ", maxThrowableDepth="
                + maxThrowableDepth + ", maxFrames=" + maxFrames + ", maxTotalFrames=" + maxTotalFrames
                + ", maxSuppressed=" + maxSuppressed + ", maxStringLength=" + maxStringLength + '}';
    }

    /** Mutable builder of {@link EventJsonSettings}; not thread-safe. */
    public static final class Builder {

        private String service;
        private String host;
        private long pid = ProcessHandle.current().pid();
        private int maxThrowableDepth = DEFAULT_MAX_THROWABLE_DEPTH;
        private int maxFrames = DEFAULT_MAX_FRAMES;
        private int maxTotalFrames = DEFAULT_MAX_TOTAL_FRAMES;
        private int maxSuppressed = DEFAULT_MAX_SUPPRESSED;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;

        private Builder() {}

        /** The {@code service} field; {@code null} (the default) omits it. */
        public Builder service(String service) {
            this.service = service;
            return this;
        }

        /** The {@code host} field; {@code null} (the default) omits it. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The {@code pid} field; defaults to the current process id. */
        public Builder pid(long pid) {
            this.pid = pid;
            return this;
        }

        /**
         * How many throwables deep the encoder writes, 1 to {@value #MAX_THROWABLE_DEPTH}; defaults to {@value
         * #DEFAULT_MAX_THROWABLE_DEPTH}. The logged throwable is depth 1, its cause and its suppressed throwables depth
         * 2, and so on; the deepest written throwable that had more gets {@code "truncated": true}.
         */
        public Builder maxThrowableDepth(int maxThrowableDepth) {
            this.maxThrowableDepth = maxThrowableDepth;
            return this;
        }

        /**
         * How many stack frames are written per throwable, 1 to {@value #MAX_FRAMES}; defaults to {@value
         * #DEFAULT_MAX_FRAMES}.
         */
        public Builder maxFrames(int maxFrames) {
            this.maxFrames = maxFrames;
            return this;
        }

        /**
         * How many stack frames are written in the whole throwable tree, 1 to {@value #MAX_TOTAL_FRAMES}; defaults to
         * {@value #DEFAULT_MAX_TOTAL_FRAMES}. Throwables are written depth first (a throwable's frames, then its cause,
         * then its suppressed throwables), and once this many frames are written, the frames of the throwables that
         * follow are left out and counted in their {@code omittedFrames}.
         */
        public Builder maxTotalFrames(int maxTotalFrames) {
            this.maxTotalFrames = maxTotalFrames;
            return this;
        }

        /**
         * How many suppressed throwables are written per throwable, 0 to {@value #MAX_SUPPRESSED}; defaults to {@value
         * #DEFAULT_MAX_SUPPRESSED}. The first ones are written; the number left out is written as
         * {@code omittedSuppressed}.
         */
        public Builder maxSuppressed(int maxSuppressed) {
            this.maxSuppressed = maxSuppressed;
            return this;
        }

        /**
         * The longest message, MDC value, {@code kv} string value (including the {@code toString()} of other objects)
         * and throwable message written, in characters ({@code char}s, as {@link String#length()} counts them), {@value
         * #MIN_STRING_LENGTH} to {@value #MAX_STRING_LENGTH}; defaults to {@value #DEFAULT_MAX_STRING_LENGTH}. A longer
         * string is cut and ends with a marker that counts the characters left out, the marker included in the length:
         * {@code "first characters…[truncated 1234567 chars]"}. A surrogate pair is never split. Other strings (logger
         * and thread names, MDC and {@code kv} keys, markers, class names, frames, {@code service}, {@code host}) are
         * written as they are.
         */
        public Builder maxStringLength(int maxStringLength) {
            this.maxStringLength = maxStringLength;
            return this;
        }

        /** Every problem with the current values, one readable sentence each; empty when {@link #build()} succeeds. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>(5);
            if (maxThrowableDepth < 1 || maxThrowableDepth > MAX_THROWABLE_DEPTH) {
                problems.add("maxThrowableDepth must be between 1 and " + MAX_THROWABLE_DEPTH + ", was "
                        + maxThrowableDepth);
            }
            if (maxFrames < 1 || maxFrames > MAX_FRAMES) {
                problems.add("maxFrames must be between 1 and " + MAX_FRAMES + ", was " + maxFrames);
            }
            if (maxTotalFrames < 1 || maxTotalFrames > MAX_TOTAL_FRAMES) {
                problems.add("maxTotalFrames must be between 1 and " + MAX_TOTAL_FRAMES + ", was " + maxTotalFrames);
            }
            if (maxSuppressed < 0 || maxSuppressed > MAX_SUPPRESSED) {
                problems.add("maxSuppressed must be between 0 and " + MAX_SUPPRESSED + ", was " + maxSuppressed);
            }
            if (maxStringLength < MIN_STRING_LENGTH || maxStringLength > MAX_STRING_LENGTH) {
                problems.add("maxStringLength must be between " + MIN_STRING_LENGTH + " and " + MAX_STRING_LENGTH
                        + ", was " + maxStringLength);
            }
            return problems;
        }

        /**
         * Builds the settings.
         *
         * @throws IllegalArgumentException listing every {@linkplain #problems() problem} when a value is out of range
         */
        public EventJsonSettings build() {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new EventJsonSettings(this);
        }
    }
}
