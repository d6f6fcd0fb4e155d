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
import static dev.sluice.core.json.EventJsonFields.SUPPRESSED;
import static dev.sluice.core.json.EventJsonFields.TRUNCATED;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Writes an {@link IThrowableProxy} tree as the {@code throwable} object, within the depth and frame caps. */
final class ThrowableJsonWriter {

    private static final StackTraceElementProxy[] NO_FRAMES = {};

    private final int maxDepth;
    private final int maxFrames;

    ThrowableJsonWriter(int maxDepth, int maxFrames) {
        this.maxDepth = maxDepth;
        this.maxFrames = maxFrames;
    }

    void write(JsonGenerator g, IThrowableProxy proxy) throws IOException {
        write(g, proxy, new ArrayList<>(4));
    }

    /** Writes one stack frame object; also used for {@code caller}. */
    static void writeFrame(JsonGenerator g, StackTraceElement frame) throws IOException {
        g.writeStartObject();
        g.writeStringField(CLASS, frame.getClassName());
        g.writeStringField(METHOD, frame.getMethodName());
        g.writeStringField(FILE, frame.getFileName());
        g.writeNumberField(LINE, frame.getLineNumber());
        g.writeEndObject();
    }

    /** {@code path} holds the proxies from the root down to this one; its size is this proxy's depth minus one. */
    private void write(JsonGenerator g, IThrowableProxy proxy, List<IThrowableProxy> path) throws IOException {
        g.writeStartObject();
        g.writeStringField(CLASS, String.valueOf(proxy.getClassName()));
        g.writeStringField(MESSAGE, proxy.getMessage());
        // Logback marks a throwable seen earlier in the tree as cyclic and gives it no frames; a foreign
        // IThrowableProxy might not, so a repeat on the current path is treated the same way.
        boolean cyclic = proxy.isCyclic() || containsSame(path, proxy);
        writeFrames(
                g, cyclic ? NO_FRAMES : proxy.getStackTraceElementProxyArray(), cyclic ? 0 : proxy.getCommonFrames());
        if (cyclic) {
            g.writeBooleanField(CYCLIC, true);
            g.writeEndObject();
            return;
        }
        IThrowableProxy cause = proxy.getCause();
        IThrowableProxy[] suppressed = proxy.getSuppressed();
        boolean hasSuppressed = suppressed != null && suppressed.length > 0;
        if (path.size() + 1 >= maxDepth) {
            if (cause != null || hasSuppressed) {
                g.writeBooleanField(TRUNCATED, true);
            }
            g.writeEndObject();
            return;
        }
        path.add(proxy);
        if (cause != null) {
            g.writeFieldName(CAUSE);
            write(g, cause, path);
        }
        if (hasSuppressed) {
            g.writeArrayFieldStart(SUPPRESSED);
            for (IThrowableProxy each : suppressed) {
                if (each != null) {
                    write(g, each, path);
                }
            }
            g.writeEndArray();
        }
        path.remove(path.size() - 1);
        g.writeEndObject();
    }

    /**
     * Writes the frames that logback would print: the frames shared with the enclosing trace ({@code commonFrames}) and
     * those beyond {@code maxFrames} are left out and counted in {@code omittedFrames}.
     */
    private void writeFrames(JsonGenerator g, StackTraceElementProxy[] frames, int commonFrames) throws IOException {
        if (frames == null) {
            frames = NO_FRAMES;
        }
        int total = frames.length;
        int common = Math.max(0, Math.min(commonFrames, total));
        int limit = Math.min(total - common, maxFrames);
        int written = 0;
        g.writeArrayFieldStart(FRAMES);
        for (int i = 0; i < limit; i++) {
            StackTraceElementProxy frame = frames[i];
            if (frame != null && frame.getStackTraceElement() != null) {
                writeFrame(g, frame.getStackTraceElement());
                written++;
            }
        }
        g.writeEndArray();
        if (total > written) {
            g.writeNumberField(OMITTED_FRAMES, total - written);
        }
    }

    private static boolean containsSame(List<IThrowableProxy> path, IThrowableProxy proxy) {
        for (IThrowableProxy each : path) {
            if (each == proxy) {
                return true;
            }
        }
        return false;
    }
}
