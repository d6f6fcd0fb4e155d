package dev.sluice.core.json;

/**
 * Immutable bounds that an {@link EventJsonDecoder} enforces on untrusted input, so that a hostile or broken producer
 * cannot make it use unbounded memory or stack. A document that exceeds any of them is rejected with an
 * {@link EventDecodingException} naming the limit.
 *
 * <pre>{@code
 * JsonLimits limits = JsonLimits.builder().maxDocumentBytes(1 << 20).build();
 * }</pre>
 */
public final class JsonLimits {

    /** Default of {@link #maxDocumentBytes()}: {@value} (16 MiB). */
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    /** Default of {@link #maxDepth()}: {@value}. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** Largest accepted {@link #maxDepth()}: {@value}; the decoder recurses per level, so the stack bounds it. */
    public static final int MAX_DEPTH = 1000;

    /** Default of {@link #maxStringLength()}: {@value} characters (4 Mi). */
    public static final int DEFAULT_MAX_STRING_LENGTH = 4 * 1024 * 1024;

    /** Default of {@link #maxFrames()}: {@value}. */
    public static final int DEFAULT_MAX_FRAMES = 1024;

    /** Default of {@link #maxMdcEntries()}: {@value}. */
    public static final int DEFAULT_MAX_MDC_ENTRIES = 10_000;

    /** Default of {@link #maxKvEntries()}: {@value}. */
    public static final int DEFAULT_MAX_KV_ENTRIES = 10_000;

    /** Default of {@link #maxMarkers()}: {@value}. */
    public static final int DEFAULT_MAX_MARKERS = 1024;

    /** Default of {@link #maxSuppressed()}: {@value}. */
    public static final int DEFAULT_MAX_SUPPRESSED = 1024;

    private static final JsonLimits DEFAULTS = builder().build();

    private final int maxDocumentBytes;
    private final int maxDepth;
    private final int maxStringLength;
    private final int maxFrames;
    private final int maxMdcEntries;
    private final int maxKvEntries;
    private final int maxMarkers;
    private final int maxSuppressed;

    private JsonLimits(Builder b) {
        this.maxDocumentBytes = b.maxDocumentBytes;
        this.maxDepth = b.maxDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxFrames = b.maxFrames;
        this.maxMdcEntries = b.maxMdcEntries;
        this.maxKvEntries = b.maxKvEntries;
        this.maxMarkers = b.maxMarkers;
        this.maxSuppressed = b.maxSuppressed;
    }

    /** The default limits. */
    public static JsonLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Largest document accepted, in bytes; defaults to {@value #DEFAULT_MAX_DOCUMENT_BYTES}. */
    public int maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /**
     * Deepest nesting of JSON objects and arrays accepted, the top-level object counting as 1; defaults to {@value
     * #DEFAULT_MAX_DEPTH}.
     */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Longest string (value or field name) or number accepted, in characters; defaults to {@value
     * #DEFAULT_MAX_STRING_LENGTH}.
     */
    public int maxStringLength() {
        return maxStringLength;
    }

    /** Most stack frames accepted in one throwable; defaults to {@value #DEFAULT_MAX_FRAMES}. */
    public int maxFrames() {
        return maxFrames;
    }

    /** Most {@code mdc} entries accepted; defaults to {@value #DEFAULT_MAX_MDC_ENTRIES}. */
    public int maxMdcEntries() {
        return maxMdcEntries;
    }

    /** Most {@code kv} entries accepted; defaults to {@value #DEFAULT_MAX_KV_ENTRIES}. */
    public int maxKvEntries() {
        return maxKvEntries;
    }

    /** Most {@code markers} accepted; defaults to {@value #DEFAULT_MAX_MARKERS}. */
    public int maxMarkers() {
        return maxMarkers;
    }

    /** Most {@code suppressed} throwables accepted in one throwable; defaults to {@value #DEFAULT_MAX_SUPPRESSED}. */
    public int maxSuppressed() {
        return maxSuppressed;
    }

    @Override
    public String toString() {
        return "JsonLimits{maxDocumentBytes=" + maxDocumentBytes + ", maxDepth=" + maxDepth + ", maxStringLength="
                + maxStringLength + ", maxFrames=" + maxFrames + ", maxMdcEntries=" + maxMdcEntries
                + ", maxKvEntries=" + maxKvEntries + ", maxMarkers=" + maxMarkers + ", maxSuppressed="
                + maxSuppressed + '}';
    }

    /** Mutable builder of {@link JsonLimits}, starting from the defaults; not thread-safe. */
    public static final class Builder {

        private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private int maxFrames = DEFAULT_MAX_FRAMES;
        private int maxMdcEntries = DEFAULT_MAX_MDC_ENTRIES;
        private int maxKvEntries = DEFAULT_MAX_KV_ENTRIES;
        private int maxMarkers = DEFAULT_MAX_MARKERS;
        private int maxSuppressed = DEFAULT_MAX_SUPPRESSED;

        private Builder() {}

        /** See {@link JsonLimits#maxDocumentBytes()}; at least 1. */
        public Builder maxDocumentBytes(int value) {
            this.maxDocumentBytes = atLeast("maxDocumentBytes", value, 1);
            return this;
        }

        /** See {@link JsonLimits#maxDepth()}; 1 to {@value JsonLimits#MAX_DEPTH}. */
        public Builder maxDepth(int value) {
            this.maxDepth = atLeast("maxDepth", value, 1);
            if (value > MAX_DEPTH) {
                throw new IllegalArgumentException("maxDepth must be at most " + MAX_DEPTH + ", was " + value);
            }
            return this;
        }

        /** See {@link JsonLimits#maxStringLength()}; at least 1. */
        public Builder maxStringLength(int value) {
            this.maxStringLength = atLeast("maxStringLength", value, 1);
            return this;
        }

        /** See {@link JsonLimits#maxFrames()}; at least 0. */
        public Builder maxFrames(int value) {
            this.maxFrames = atLeast("maxFrames", value, 0);
            return this;
        }

        /** See {@link JsonLimits#maxMdcEntries()}; at least 0. */
        public Builder maxMdcEntries(int value) {
            this.maxMdcEntries = atLeast("maxMdcEntries", value, 0);
            return this;
        }

        /** See {@link JsonLimits#maxKvEntries()}; at least 0. */
        public Builder maxKvEntries(int value) {
            this.maxKvEntries = atLeast("maxKvEntries", value, 0);
            return this;
        }

        /** See {@link JsonLimits#maxMarkers()}; at least 0. */
        public Builder maxMarkers(int value) {
            this.maxMarkers = atLeast("maxMarkers", value, 0);
            return this;
        }

        /** See {@link JsonLimits#maxSuppressed()}; at least 0. */
        public Builder maxSuppressed(int value) {
            this.maxSuppressed = atLeast("maxSuppressed", value, 0);
            return this;
        }

        /** Builds the limits. */
        public JsonLimits build() {
            return new JsonLimits(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }
    }
}
