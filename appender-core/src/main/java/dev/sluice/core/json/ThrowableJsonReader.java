package dev.sluice.core.json;

import static dev.sluice.core.json.EventJsonFields.CAUSE;
import static dev.sluice.core.json.EventJsonFields.CLASS;
import static dev.sluice.core.json.EventJsonFields.CYCLIC;
import static dev.sluice.core.json.EventJsonFields.FILE;
import static dev.sluice.core.json.EventJsonFields.FRAMES;
import static dev.sluice.core.json.EventJsonFields.LINE;
import static dev.sluice.core.json.EventJsonFields.MESSAGE;
import static dev.sluice.core.json.EventJsonFields.METHOD;
import static dev.sluice.core.json.EventJsonFields.OMITTED_FRAMES;
import static dev.sluice.core.json.EventJsonFields.OMITTED_SUPPRESSED;
import static dev.sluice.core.json.EventJsonFields.SUPPRESSED;
import static dev.sluice.core.json.EventJsonFields.TRUNCATED;

import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;

/**
 * Reads a {@code throwable} object (recursively, through {@code cause} and {@code suppressed}) and frame objects.
 * Recursion depth is bounded by the parser's nesting limit, checked by Jackson before each nested container.
 */
final class ThrowableJsonReader {

    private static final StackTraceElementProxy[] NO_FRAMES = {};
    private static final DecodedThrowableProxy[] NO_SUPPRESSED = {};

    private final JsonCursor cursor;
    private final JsonLimits limits;

    ThrowableJsonReader(JsonCursor cursor, JsonLimits limits) {
        this.cursor = cursor;
        this.limits = limits;
    }

    /** Reads the throwable object at the current {@code START_OBJECT}. */
    DecodedThrowableProxy readThrowable() throws IOException {
        cursor.expectObject();
        String className = null;
        String message = null;
        StackTraceElementProxy[] frames = null;
        int omittedFrames = 0;
        boolean cyclic = false;
        boolean truncated = false;
        DecodedThrowableProxy cause = null;
        DecodedThrowableProxy[] suppressed = NO_SUPPRESSED;
        int omittedSuppressed = 0;
        JsonToken token;
        while ((token = cursor.next()) == JsonToken.FIELD_NAME) {
            String name = cursor.fieldName();
            cursor.next();
            switch (name) {
                case CLASS:
                    className = cursor.string();
                    break;
                case MESSAGE:
                    message = cursor.nullableString();
                    break;
                case FRAMES:
                    frames = readFrames();
                    break;
                case OMITTED_FRAMES:
                    omittedFrames = count();
                    break;
                case CYCLIC:
                    cyclic = cursor.bool();
                    break;
                case TRUNCATED:
                    truncated = cursor.bool();
                    break;
                case CAUSE:
                    cause = readThrowable();
                    break;
                case SUPPRESSED:
                    suppressed = readSuppressed();
                    break;
                case OMITTED_SUPPRESSED:
                    omittedSuppressed = count();
                    break;
                default:
                    // Unknown fields come from newer producers: ignore them.
                    cursor.skipValue();
            }
        }
        requireEnd(token);
        return new DecodedThrowableProxy(
                cursor.required(className, CLASS),
                message,
                cursor.required(frames, FRAMES),
                omittedFrames,
                cyclic,
                truncated,
                cause,
                suppressed,
                omittedSuppressed);
    }

    /** A non-negative {@code int} at the current token. */
    private int count() throws IOException {
        int count = cursor.intValue();
        if (count < 0) {
            throw cursor.fail("must not be negative, was " + count);
        }
        return count;
    }

    /** Reads a frame object ({@code class}, {@code method}, {@code file}, {@code line}) at the current token. */
    StackTraceElement readFrame() throws IOException {
        cursor.expectObject();
        String className = null;
        String method = null;
        String file = null;
        Integer line = null;
        JsonToken token;
        while ((token = cursor.next()) == JsonToken.FIELD_NAME) {
            String name = cursor.fieldName();
            cursor.next();
            switch (name) {
                case CLASS:
                    className = cursor.string();
                    break;
                case METHOD:
                    method = cursor.string();
                    break;
                case FILE:
                    file = cursor.nullableString();
                    break;
                case LINE:
                    line = cursor.intValue();
                    break;
                default:
                    cursor.skipValue();
            }
        }
        requireEnd(token);
        return new StackTraceElement(
                cursor.required(className, CLASS), cursor.required(method, METHOD), file, cursor.required(line, LINE));
    }

    private StackTraceElementProxy[] readFrames() throws IOException {
        List<StackTraceElementProxy> frames =
                cursor.readArray(limits.maxFrames(), "frames", () -> new StackTraceElementProxy(readFrame()));
        return frames.isEmpty() ? NO_FRAMES : frames.toArray(NO_FRAMES);
    }

    private DecodedThrowableProxy[] readSuppressed() throws IOException {
        return cursor.readArray(limits.maxSuppressed(), "suppressed throwables", this::readThrowable)
                .toArray(NO_SUPPRESSED);
    }

    /** Jackson reports unbalanced input itself; this only guards against a parser that ends early. */
    private void requireEnd(JsonToken token) {
        if (token == null) {
            throw cursor.fail("unexpected end of the document");
        }
    }
}
