package dev.sluice.core.json;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Objects;

/**
 * An immutable {@link IThrowableProxy} decoded from a canonical JSON {@code throwable} object, usable by Logback's
 * {@code %ex} converters and by any appender.
 *
 * <p>The frames are the ones the encoder wrote; frames it left out (shared with the enclosing trace, or beyond its
 * caps) are only counted, in {@link #getOmittedFrames()}. {@link #getCommonFrames()} is therefore always 0. Likewise
 * the suppressed throwables are the ones the encoder wrote, and those beyond its cap are counted in
 * {@link #getOmittedSuppressed()}.
 */
public final class DecodedThrowableProxy implements IThrowableProxy {

    private static final IThrowableProxy[] NO_SUPPRESSED = {};

    private final String className;
    private final String message;
    private final StackTraceElementProxy[] frames;
    private final int omittedFrames;
    private final boolean cyclic;
    private final boolean truncated;
    private final IThrowableProxy cause;
    private final IThrowableProxy[] suppressed;
    private final int omittedSuppressed;

    DecodedThrowableProxy(
            String className,
            String message,
            StackTraceElementProxy[] frames,
            int omittedFrames,
            boolean cyclic,
            boolean truncated,
            DecodedThrowableProxy cause,
            DecodedThrowableProxy[] suppressed,
            int omittedSuppressed) {
        this.className = Objects.requireNonNull(className, "className");
        this.message = message;
        this.frames = frames.clone();
        this.omittedFrames = omittedFrames;
        this.cyclic = cyclic;
        this.truncated = truncated;
        this.cause = cause;
        this.suppressed = suppressed.length == 0 ? NO_SUPPRESSED : suppressed.clone();
        this.omittedSuppressed = omittedSuppressed;
    }

    /** The fully qualified class name of the original throwable. */
    @Override
    public String getClassName() {
        return className;
    }

    /** The original throwable's message, or {@code null}. */
    @Override
    public String getMessage() {
        return message;
    }

    /** A copy of the decoded frames, outermost call last, as in {@link Throwable#getStackTrace()}. */
    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return frames.clone();
    }

    /** Always 0: frames the encoder left out are counted in {@link #getOmittedFrames()} instead. */
    @Override
    public int getCommonFrames() {
        return 0;
    }

    /**
     * How many frames of the original throwable were not encoded (common with the enclosing trace, or over a frame
     * cap).
     */
    public int getOmittedFrames() {
        return omittedFrames;
    }

    /** The decoded cause, or {@code null}. */
    @Override
    public IThrowableProxy getCause() {
        return cause;
    }

    /** A copy of the decoded suppressed throwables; empty when there are none. */
    @Override
    public IThrowableProxy[] getSuppressed() {
        return suppressed.length == 0 ? NO_SUPPRESSED : suppressed.clone();
    }

    /** How many suppressed throwables of the original throwable were not encoded, being over the encoder's cap. */
    public int getOmittedSuppressed() {
        return omittedSuppressed;
    }

    /**
     * Whether this stands for a throwable already seen higher in the tree (a cause or suppressed cycle), as Logback's
     * own {@code ThrowableProxy} reports it; such a proxy has no frames, cause or suppressed throwables.
     */
    @Override
    public boolean isCyclic() {
        return cyclic;
    }

    /** Whether the encoder stopped at its depth cap here, dropping this throwable's cause and suppressed throwables. */
    public boolean isTruncated() {
        return truncated;
    }

    @Override
    public String toString() {
        return message == null ? className : className + ": " + message;
    }
}
