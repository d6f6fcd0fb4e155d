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

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an {@link IThrowableProxy} tree as the {@code throwable} object, within the depth, frame, suppressed and string
 * length caps of {@link EventJsonSettings}.
 */
final class ThrowableJsonWriter {

    private static final StackTraceElementProxy[] NO_FRAMES = {};

    private final int maxDepth;
    private final int maxFrames;
    private final int maxTotalFrames;
    private final int maxSuppressed;
    private final int maxStringLength;

    ThrowableJsonWriter(EventJsonSettings settings) {
        this.maxDepth = settings.maxThrowableDepth();
        this.maxFrames = settings.maxFrames();
        this.maxTotalFrames = settings.maxTotalFrames();
        this.maxSuppressed = settings.maxSuppressed();
        this.maxStringLength = settings.maxStringLength();
    }

    void write(JsonGenerator g, IThrowableProxy proxy) throws IOException {
        new Tree(g).write(proxy);
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

    /** The state of writing one tree: the path from the root and the frames left in the budget. */
    private final class Tree {

        private final JsonGenerator g;
        private final List<IThrowableProxy> path = new ArrayList<>(4);
        private int framesLeft = maxTotalFrames;

        Tree(JsonGenerator g) {
            this.g = g;
        }

        /** {@code path} holds the proxies from the root down to this one; its size is this proxy's depth minus one. */
        void write(IThrowableProxy proxy) throws IOException {
            g.writeStartObject();
            g.writeStringField(CLASS, String.valueOf(proxy.getClassName()));
            g.writeStringField(MESSAGE, Truncation.truncate(proxy.getMessage(), maxStringLength));
            // Logback marks a throwable seen earlier in the tree as cyclic and gives it no frames; a foreign
            // IThrowableProxy might not, so a repeat on the current path is treated the same way.
            boolean cyclic = proxy.isCyclic() || containsSame(path, proxy);
            // A decoded throwable carries what its own encoder left out; re-encoding it must not lose that.
            DecodedThrowableProxy decoded =
                    proxy instanceof DecodedThrowableProxy ? (DecodedThrowableProxy) proxy : null;
            writeFrames(
                    cyclic ? NO_FRAMES : proxy.getStackTraceElementProxyArray(),
                    cyclic ? 0 : proxy.getCommonFrames(),
                    decoded == null ? 0 : decoded.getOmittedFrames());
            if (cyclic) {
                g.writeBooleanField(CYCLIC, true);
                g.writeEndObject();
                return;
            }
            IThrowableProxy cause = proxy.getCause();
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            int suppressedCount = countNonNull(suppressed);
            boolean wasTruncated = decoded != null && decoded.isTruncated();
            int omittedSuppressed = decoded == null ? 0 : decoded.getOmittedSuppressed();
            if (path.size() + 1 >= maxDepth) {
                if (cause != null || suppressedCount > 0 || wasTruncated) {
                    g.writeBooleanField(TRUNCATED, true);
                }
                if (omittedSuppressed > 0) {
                    g.writeNumberField(OMITTED_SUPPRESSED, omittedSuppressed);
                }
                g.writeEndObject();
                return;
            }
            if (wasTruncated) {
                g.writeBooleanField(TRUNCATED, true);
            }
            path.add(proxy);
            if (cause != null) {
                g.writeFieldName(CAUSE);
                write(cause);
            }
            int suppressedWritten = Math.min(suppressedCount, maxSuppressed);
            if (suppressedWritten > 0) {
                g.writeArrayFieldStart(SUPPRESSED);
                int written = 0;
                for (int i = 0; written < suppressedWritten; i++) {
                    if (suppressed[i] != null) {
                        write(suppressed[i]);
                        written++;
                    }
                }
                g.writeEndArray();
            }
            omittedSuppressed = saturatedSum(omittedSuppressed, suppressedCount - suppressedWritten);
            if (omittedSuppressed > 0) {
                g.writeNumberField(OMITTED_SUPPRESSED, omittedSuppressed);
            }
            path.remove(path.size() - 1);
            g.writeEndObject();
        }

        /**
         * Writes the frames that logback would print: the frames shared with the enclosing trace ({@code commonFrames})
         * and those beyond {@code maxFrames} or the tree's remaining {@code maxTotalFrames} are left out and counted in
         * {@code omittedFrames}, together with {@code alreadyOmitted} (those a decoded throwable's encoder left out).
         */
        private void writeFrames(StackTraceElementProxy[] frames, int commonFrames, int alreadyOmitted)
                throws IOException {
            if (frames == null) {
                frames = NO_FRAMES;
            }
            int total = frames.length;
            int common = Math.max(0, Math.min(commonFrames, total));
            int limit = Math.min(Math.min(total - common, maxFrames), framesLeft);
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
            framesLeft -= written;
            int omitted = saturatedSum(total - written, alreadyOmitted);
            if (omitted > 0) {
                g.writeNumberField(OMITTED_FRAMES, omitted);
            }
        }
    }

    /** {@code a + b}, or {@link Integer#MAX_VALUE} when that would overflow (both are counts, never negative). */
    private static int saturatedSum(int a, int b) {
        return (int) Math.min(Integer.MAX_VALUE, (long) a + b);
    }

    private static int countNonNull(IThrowableProxy[] proxies) {
        int count = 0;
        if (proxies != null) {
            for (IThrowableProxy each : proxies) {
                if (each != null) {
                    count++;
                }
            }
        }
        return count;
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
