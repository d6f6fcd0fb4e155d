package dev.sluice.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import org.junit.jupiter.api.Test;

class DecodedThrowableProxyTest {

    private final StackTraceElementProxy frame =
            new StackTraceElementProxy(new StackTraceElement("com.example.A", "run", "A.java", 7));
    private final DecodedThrowableProxy suppressed = new DecodedThrowableProxy(
            "java.lang.IllegalArgumentException",
            null,
            new StackTraceElementProxy[0],
            0,
            false,
            false,
            null,
            new DecodedThrowableProxy[0],
            0);
    private final DecodedThrowableProxy proxy = new DecodedThrowableProxy(
            "java.lang.RuntimeException",
            "boom",
            new StackTraceElementProxy[] {frame},
            3,
            false,
            true,
            null,
            new DecodedThrowableProxy[] {suppressed},
            5);

    @Test
    void exposesWhatWasDecoded() {
        assertThat(proxy.getClassName()).isEqualTo("java.lang.RuntimeException");
        assertThat(proxy.getMessage()).isEqualTo("boom");
        assertThat(proxy.getStackTraceElementProxyArray()).containsExactly(frame);
        assertThat(proxy.getOmittedFrames()).isEqualTo(3);
        assertThat(proxy.getCommonFrames()).isZero();
        assertThat(proxy.isTruncated()).isTrue();
        assertThat(proxy.isCyclic()).isFalse();
        assertThat(proxy.getCause()).isNull();
        assertThat(proxy.getSuppressed()).containsExactly(suppressed);
        assertThat(proxy.getOmittedSuppressed()).isEqualTo(5);
        assertThat(suppressed.getOmittedSuppressed()).isZero();
        assertThat(proxy).hasToString("java.lang.RuntimeException: boom");
        assertThat(suppressed).hasToString("java.lang.IllegalArgumentException");
        assertThat(suppressed.getSuppressed()).isEmpty();
    }

    @Test
    void returnsCopiesOfItsArrays() {
        StackTraceElementProxy[] frames = proxy.getStackTraceElementProxyArray();
        IThrowableProxy[] suppressedCopy = proxy.getSuppressed();

        frames[0] = null;
        suppressedCopy[0] = null;

        assertThat(proxy.getStackTraceElementProxyArray()).containsExactly(frame);
        assertThat(proxy.getSuppressed()).containsExactly(suppressed);
    }
}
