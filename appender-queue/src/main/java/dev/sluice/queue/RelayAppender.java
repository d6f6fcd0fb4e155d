package dev.sluice.queue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.Duration;
import dev.sluice.core.BatchSink;
import dev.sluice.core.JsonEventAppenderBase;
import dev.sluice.core.json.EventJsonEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's appender: hands every event to the central process's {@link RelayServer}, as the canonical JSON in
 * numbered frames over a Unix-domain socket (or TCP loopback with a token), and counts it as delivered once the server
 * has dispatched it. Nothing else in the worker touches the log files. The address comes from {@code address}, else
 * from the system property {@value RelayAddress#SYSTEM_PROPERTY} or the environment variable
 * {@value RelayAddress#ENVIRONMENT_VARIABLE} that the parent passed down.
 */
public class RelayAppender extends JsonEventAppenderBase {

    /** Default {@code maxUnacked}. */
    public static final int DEFAULT_MAX_UNACKED = 8192;
    /** Default {@code ackTimeout}. */
    public static final long DEFAULT_ACK_TIMEOUT_MILLIS = 10_000;
    /** The system property that names the worker; default {@code pid-<pid>}. */
    public static final String NAME_PROPERTY = "sluice.relay.name";

    /** Appender start times handed out in this JVM, so that two never share one (they identify the sender). */
    private static final AtomicLong LAST_START = new AtomicLong();

    private String address;
    private String tokenFile;
    private String processName;
    private int maxUnacked = DEFAULT_MAX_UNACKED;
    private int maxFrameBytes = RelayServer.DEFAULT_MAX_FRAME_BYTES;
    private Duration ackTimeout = Duration.buildByMilliseconds(DEFAULT_ACK_TIMEOUT_MILLIS);

    private RelayAddress parsedAddress;
    private String token;

    @Override
    protected void validateSinkSettings(List<String> errors) {
        String text = address != null && !address.isBlank() ? address : RelayAddress.inherited();
        if (text == null) {
            errors.add("address is not set, and neither -D" + RelayAddress.SYSTEM_PROPERTY + " nor "
                    + RelayAddress.ENVIRONMENT_VARIABLE + " names the relay server.");
        } else {
            try {
                parsedAddress = RelayAddress.parse(text);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage() + ".");
            }
        }
        token = null;
        if (parsedAddress != null && !parsedAddress.isUnix()) {
            if (tokenFile == null || tokenFile.isBlank()) {
                errors.add("tokenFile is required for a tcp: address (the server's token file).");
            } else {
                try {
                    token = PrivateFiles.readToken(Path.of(tokenFile));
                } catch (IOException e) {
                    errors.add("tokenFile cannot be used: " + e.getMessage() + ".");
                }
            }
        }
        if (maxUnacked < getBatchSize()) {
            errors.add("maxUnacked (" + maxUnacked + ") must be at least batchSize (" + getBatchSize() + ").");
        }
        if (maxFrameBytes < 1024) {
            errors.add("maxFrameBytes must be at least 1024, was " + maxFrameBytes + ".");
        }
        if (ackTimeout == null || ackTimeout.getMilliseconds() < 1) {
            errors.add("ackTimeout must be positive, was " + ackTimeout + ".");
        }
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        long pid = ProcessHandle.current().pid();
        String name = processName != null && !processName.isBlank()
                ? processName
                : System.getProperty(NAME_PROPERTY, "pid-" + pid);
        Hello hello = new Hello(pid, name, jsonSettings().host(), uniqueStart(), token);
        return new RelaySink(
                new RelaySinkSettings(
                        parsedAddress,
                        hello,
                        new EventJsonEncoder(jsonSettings())::encode,
                        maxFrameBytes,
                        maxUnacked,
                        java.time.Duration.ofMillis(ackTimeout.getMilliseconds())),
                this,
                getName());
    }

    private static long uniqueStart() {
        long now = System.currentTimeMillis();
        return LAST_START.accumulateAndGet(now, (last, current) -> Math.max(last + 1, current));
    }

    @Override
    protected String workerKind() {
        return "relay";
    }

    @Override
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of();
    }

    /** {@code unix:<socket path>} or {@code tcp:127.0.0.1:<port>}; default: inherited from the parent process. */
    public void setAddress(String address) {
        this.address = address;
    }

    public String getAddress() {
        return address;
    }

    /** For a {@code tcp:} address: the server's token file (readable by this user only). */
    public void setTokenFile(String tokenFile) {
        this.tokenFile = tokenFile;
    }

    public String getTokenFile() {
        return tokenFile;
    }

    /** The worker's name in the server's statuses; default {@code -Dsluice.relay.name}, else {@code pid-<pid>}. */
    public void setProcessName(String processName) {
        this.processName = processName;
    }

    public String getProcessName() {
        return processName;
    }

    /** Events sent and not yet acknowledged, at most. Default {@value #DEFAULT_MAX_UNACKED}. */
    public void setMaxUnacked(int maxUnacked) {
        this.maxUnacked = maxUnacked;
    }

    public int getMaxUnacked() {
        return maxUnacked;
    }

    /** The largest frame sent; a larger event is rejected. Default {@value RelayServer#DEFAULT_MAX_FRAME_BYTES}. */
    public void setMaxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    public int getMaxFrameBytes() {
        return maxFrameBytes;
    }

    /** How long sent events may wait for their ack before the connection counts as dead. Default 10 seconds. */
    public void setAckTimeout(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public Duration getAckTimeout() {
        return ackTimeout;
    }
}
