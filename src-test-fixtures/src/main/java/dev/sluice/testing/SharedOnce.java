package dev.sluice.testing;

import java.util.function.Supplier;

/**
 * A server found once per JVM and shared by every test. A failure to find one is remembered, so that the next
 * test class fails at once with the same message instead of paying for another failed start.
 */
final class SharedOnce<T> {

    private final Supplier<T> finder;
    private T value;
    private IllegalStateException failure;

    SharedOnce(Supplier<T> finder) {
        this.finder = finder;
    }

    synchronized T get() {
        if (value != null) {
            return value;
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        try {
            value = finder.get();
            return value;
        } catch (IllegalStateException e) {
            failure = e;
            throw e;
        }
    }
}
