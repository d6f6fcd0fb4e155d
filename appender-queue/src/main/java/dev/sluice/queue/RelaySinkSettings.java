package dev.sluice.queue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.function.Function;

/** What a worker's sink needs: where to connect, who it is, how events become JSON, and its limits. */
record RelaySinkSettings(
        RelayAddress address,
        Hello hello,
        Function<ILoggingEvent, byte[]> json,
        int maxFrameBytes,
        int maxUnacked,
        Duration ackTimeout) {}
