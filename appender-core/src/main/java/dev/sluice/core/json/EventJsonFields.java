package dev.sluice.core.json;

/**
 * Field names of the canonical event JSON, schema version {@value #SCHEMA_VERSION}. The names are part of the wire
 * contract: the encoder, the decoder and {@code sluice-event-v1.schema.json} must agree on them.
 */
final class EventJsonFields {

    /** The only schema version this codec writes and reads. */
    static final int SCHEMA_VERSION = 1;

    // Top-level fields, in the order the encoder writes them.
    static final String V = "v";
    static final String TS = "ts";
    static final String LEVEL = "level";
    static final String LOGGER = "logger";
    static final String THREAD = "thread";
    static final String MESSAGE = "message";
    static final String MDC = "mdc";
    static final String KV = "kv";
    static final String MARKERS = "markers";
    static final String THROWABLE = "throwable";
    static final String CALLER = "caller";
    static final String SERVICE = "service";
    static final String HOST = "host";
    static final String PID = "pid";
    static final String SEQ = "seq";

    // Throwable object.
    static final String CLASS = "class";
    static final String FRAMES = "frames";
    static final String OMITTED_FRAMES = "omittedFrames";
    static final String CYCLIC = "cyclic";
    static final String TRUNCATED = "truncated";
    static final String CAUSE = "cause";
    static final String SUPPRESSED = "suppressed";
    static final String OMITTED_SUPPRESSED = "omittedSuppressed";

    // Frame object (also used for "caller"); "class" is shared with the throwable object.
    static final String METHOD = "method";
    static final String FILE = "file";
    static final String LINE = "line";

    private EventJsonFields() {}
}
