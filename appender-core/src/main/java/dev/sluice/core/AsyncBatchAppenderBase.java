package dev.sluice.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.util.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * The base of every Sluice appender: a bounded queue in front of one worker thread that writes batches to a
 * {@link BatchSink}. The calling thread only captures the event and offers it to the queue; it never waits for the
 * destination unless {@code overflowPolicy} is {@code BLOCK}. Every event is counted as delivered or as dropped for
 * a {@link DropReason}, and the counts are visible through getters, JMX and status messages.
 *
 * <p>A subclass supplies the sink with {@link #createSink()}, may check its own settings in
 * {@link #validateSettings(List)}, and names its worker thread with {@link #workerKind()}.
 */
public abstract class AsyncBatchAppenderBase extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** Default {@code queueSize}: {@value}. */
    public static final int DEFAULT_QUEUE_SIZE = 8192;
    /** The largest {@code queueSize} accepted: {@value} (the queue's slots are allocated at start). */
    public static final int MAX_QUEUE_SIZE = 1 << 22;
    /** Default {@code batchSize}: {@value} (capped at {@code queueSize}; see {@link #defaultBatchSize()}). */
    public static final int DEFAULT_BATCH_SIZE = 256;
    /** Default {@code maxBatchDelay} in milliseconds: {@value} (write what is queued at once). */
    public static final long DEFAULT_MAX_BATCH_DELAY_MILLIS = 0;
    /** Default {@code overflowPolicy}: {@value}. */
    public static final String DEFAULT_OVERFLOW_POLICY = "DROP";
    /** Default {@code appendTimeout} in milliseconds under BLOCK: {@value} (wait until room or stop). */
    public static final long DEFAULT_APPEND_TIMEOUT_MILLIS = 0;
    /** Default {@code shutdownGracePeriod} in milliseconds: {@value}. */
    public static final long DEFAULT_SHUTDOWN_GRACE_PERIOD_MILLIS = 10_000;
    /** Default {@code retryInitialDelay} in milliseconds: {@value}. */
    public static final long DEFAULT_RETRY_INITIAL_DELAY_MILLIS = 100;
    /** Default {@code retryMaxDelay} in milliseconds: {@value}. */
    public static final long DEFAULT_RETRY_MAX_DELAY_MILLIS = 30_000;
    /** Default {@code retryJitter}: {@value} (each delay is cut by up to 20 % at random). */
    public static final double DEFAULT_RETRY_JITTER = 0.2;
    /** Default {@code discardingThreshold}: {@value} (never discard by level). */
    public static final int DEFAULT_DISCARDING_THRESHOLD = 0;
    /** Default {@code discardableLevel}: {@value}. */
    public static final String DEFAULT_DISCARDABLE_LEVEL = "INFO";
    /** Default {@code droppedWarnFrequency}: {@value}. */
    public static final int DEFAULT_DROPPED_WARN_FREQUENCY = 1000;

    private int queueSize = DEFAULT_QUEUE_SIZE;
    /** Null until set: then {@link #defaultBatchSize()}, capped at the queue size. */
    private Integer batchSize;

    private Duration maxBatchDelay = Duration.buildByMilliseconds(DEFAULT_MAX_BATCH_DELAY_MILLIS);
    private String overflowPolicy = DEFAULT_OVERFLOW_POLICY;
    private Duration appendTimeout = Duration.buildByMilliseconds(DEFAULT_APPEND_TIMEOUT_MILLIS);
    private Duration shutdownGracePeriod = Duration.buildByMilliseconds(DEFAULT_SHUTDOWN_GRACE_PERIOD_MILLIS);
    private Duration retryInitialDelay = Duration.buildByMilliseconds(DEFAULT_RETRY_INITIAL_DELAY_MILLIS);
    private Duration retryMaxDelay = Duration.buildByMilliseconds(DEFAULT_RETRY_MAX_DELAY_MILLIS);
    private double retryJitter = DEFAULT_RETRY_JITTER;
    private int discardingThreshold = DEFAULT_DISCARDING_THRESHOLD;
    private String discardableLevel = DEFAULT_DISCARDABLE_LEVEL;
    private int droppedWarnFrequency = DEFAULT_DROPPED_WARN_FREQUENCY;
    private boolean includeCallerData;
    private boolean jmx = true;
    private final List<String> excludedLoggerPrefixes = new ArrayList<>();

    private volatile EventPipeline<ILoggingEvent> pipeline;
    private FeedbackGuard feedbackGuard;
    private int discardableLevelInt;
    private ObjectName jmxName;

    /** The sink the worker writes to; called by {@code start()} after the settings passed validation. */
    protected abstract BatchSink<ILoggingEvent> createSink();

    /** A short word for the worker thread's name, {@code sluice-<kind>-<appender name>}. */
    protected abstract String workerKind();

    /** Adds one message per invalid subclass setting; {@code start()} reports them and refuses to start. */
    protected void validateSettings(List<String> errors) {}

    /** The batch size when none is set; {@value #DEFAULT_BATCH_SIZE} unless a subclass knows better. */
    protected int defaultBatchSize() {
        return DEFAULT_BATCH_SIZE;
    }

    /** Logger-name prefixes always kept out of this appender: the client libraries its sink logs through. */
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of();
    }

    /**
     * Called on the worker thread once the queue is drained and the sink closed, so a subclass never releases what
     * a write still in progress uses. After a {@code stop()} that timed out, this happens when that write returns.
     */
    protected void afterStop() {}

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        List<String> errors = new ArrayList<>();
        PipelineSettings settings = settings(errors);
        validateSettings(errors);
        if (!errors.isEmpty()) {
            errors.forEach(error -> addError("Appender [" + name + "] not started: " + error));
            return;
        }
        EventPipeline<ILoggingEvent> created;
        try {
            created = createPipeline(settings);
            if (created == null) {
                return;
            }
            created.start();
        } catch (Throwable e) {
            // A missing client library (NoClassDefFoundError), no memory for the queue or the thread: report it.
            addError("Appender [" + name + "] not started: its sink, queue or worker could not be created.", e);
            return;
        }
        pipeline = created;
        if (jmx) {
            jmxName = JmxRegistration.register(created.stats(), name, this);
        }
        super.start();
    }

    private EventPipeline<ILoggingEvent> createPipeline(PipelineSettings settings) {
        BatchSink<ILoggingEvent> sink = createSink();
        if (sink == null) {
            addError("Appender [" + name + "] not started: it has no sink (see the errors above).");
            return null;
        }
        List<String> prefixes = new ArrayList<>(defaultExcludedLoggerPrefixes());
        prefixes.addAll(excludedLoggerPrefixes);
        feedbackGuard = new FeedbackGuard(prefixes);
        discardableLevelInt = Level.toLevel(discardableLevel.trim()).toInt();
        return new EventPipeline<>(name, "sluice-" + workerKind() + "-" + name, settings, sink, this, this::afterStop);
    }

    private PipelineSettings settings(List<String> errors) {
        if (queueSize < 1 || queueSize > MAX_QUEUE_SIZE) {
            errors.add("queueSize must be between 1 and " + MAX_QUEUE_SIZE + ", was " + queueSize + ".");
        }
        int batchSize = getBatchSize();
        if (batchSize < 1 || batchSize > Math.max(queueSize, 1)) {
            errors.add("batchSize must be between 1 and queueSize (" + queueSize + "), was " + batchSize + ".");
        }
        requireNonNegative(errors, "maxBatchDelay", maxBatchDelay);
        requireNonNegative(errors, "appendTimeout", appendTimeout);
        requireNonNegative(errors, "shutdownGracePeriod", shutdownGracePeriod);
        if (retryInitialDelay == null || retryInitialDelay.getMilliseconds() < 1) {
            errors.add("retryInitialDelay must be at least 1 millisecond, was " + retryInitialDelay + ".");
        } else if (retryMaxDelay == null || retryMaxDelay.getMilliseconds() < retryInitialDelay.getMilliseconds()) {
            errors.add("retryMaxDelay must be at least retryInitialDelay (" + retryInitialDelay + "), was "
                    + retryMaxDelay + ".");
        }
        if (!(retryJitter >= 0 && retryJitter <= 1)) {
            errors.add("retryJitter must be between 0 and 1, was " + retryJitter + ".");
        }
        if (discardingThreshold < 0 || discardingThreshold > queueSize) {
            errors.add("discardingThreshold must be between 0 and queueSize (" + queueSize + "), was "
                    + discardingThreshold + ".");
        }
        Level discardable = discardableLevel == null ? null : Level.toLevel(discardableLevel, null);
        if (discardable == null || !discardable.toString().equalsIgnoreCase(discardableLevel.trim())) {
            errors.add("discardableLevel '" + discardableLevel + "' is not a level; use TRACE, DEBUG, INFO, WARN or"
                    + " ERROR.");
        }
        if (droppedWarnFrequency < 0) {
            errors.add("droppedWarnFrequency must not be negative, was " + droppedWarnFrequency + ".");
        }
        OverflowPolicy policy = null;
        try {
            policy = OverflowPolicy.parse(overflowPolicy);
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage() + ".");
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new PipelineSettings(
                queueSize,
                batchSize,
                java.time.Duration.ofMillis(maxBatchDelay.getMilliseconds()),
                policy,
                java.time.Duration.ofMillis(appendTimeout.getMilliseconds()),
                java.time.Duration.ofMillis(shutdownGracePeriod.getMilliseconds()),
                new RetryBackoff(
                        java.time.Duration.ofMillis(retryInitialDelay.getMilliseconds()),
                        java.time.Duration.ofMillis(retryMaxDelay.getMilliseconds()),
                        retryJitter),
                droppedWarnFrequency);
    }

    /** For {@code validateSettings}: reports a duration setting that is unset or negative. */
    protected static void requireNonNegative(List<String> errors, String setting, Duration value) {
        if (value == null || value.getMilliseconds() < 0) {
            errors.add(setting + " must be zero or more, was " + value + ".");
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        EventPipeline<ILoggingEvent> target = pipeline;
        if (target.isWorkerThread() || feedbackGuard.excludes(event.getLoggerName())) {
            target.refuse(DropReason.FEEDBACK);
            return;
        }
        if (discardingThreshold > 0
                && event.getLevel().toInt() <= discardableLevelInt
                && target.remainingCapacity() < discardingThreshold) {
            target.refuse(DropReason.DISCARDED_BY_LEVEL);
            return;
        }
        // Capture on the calling thread: message, thread name, MDC (and caller data) as they are now.
        event.prepareForDeferredProcessing();
        if (includeCallerData) {
            event.getCallerData();
        }
        target.offer(event);
    }

    /** Stops accepting events, delivers what is queued within {@code shutdownGracePeriod}, and reports the rest. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        if (pipeline.stop()) {
            JmxRegistration.unregister(jmxName, this);
            jmxName = null;
        }
    }

    /** The live counters and gauges (the same object JMX shows); null before the first {@code start()}. */
    public AppenderStatsMXBean getStats() {
        EventPipeline<ILoggingEvent> current = pipeline;
        return current == null ? null : current.stats();
    }

    /** Capacity of the bounded queue. Default {@value #DEFAULT_QUEUE_SIZE}. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public int getQueueSize() {
        return queueSize;
    }

    /** Most events handed to the sink in one write. Default {@value #DEFAULT_BATCH_SIZE}, at most queueSize. */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getBatchSize() {
        return batchSize != null ? batchSize : Math.min(defaultBatchSize(), Math.max(queueSize, 1));
    }

    /** How long the worker waits for a fuller batch; zero (the default) writes what is queued at once. */
    public void setMaxBatchDelay(Duration maxBatchDelay) {
        this.maxBatchDelay = maxBatchDelay;
    }

    public Duration getMaxBatchDelay() {
        return maxBatchDelay;
    }

    /** {@code DROP} (the default: never wait, count the drop) or {@code BLOCK} (wait up to appendTimeout). */
    public void setOverflowPolicy(String overflowPolicy) {
        this.overflowPolicy = overflowPolicy;
    }

    public String getOverflowPolicy() {
        return overflowPolicy;
    }

    /** Under BLOCK, the longest a caller waits for room; zero (the default) waits until room or stop. */
    public void setAppendTimeout(Duration appendTimeout) {
        this.appendTimeout = appendTimeout;
    }

    public Duration getAppendTimeout() {
        return appendTimeout;
    }

    /** How long {@code stop()} keeps delivering what is queued. Default 10 seconds. */
    public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
        this.shutdownGracePeriod = shutdownGracePeriod;
    }

    public Duration getShutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    /** The first delay before retrying a failed write; it doubles up to retryMaxDelay. Default 100 ms. */
    public void setRetryInitialDelay(Duration retryInitialDelay) {
        this.retryInitialDelay = retryInitialDelay;
    }

    public Duration getRetryInitialDelay() {
        return retryInitialDelay;
    }

    /** The longest delay between retries. Default 30 seconds. */
    public void setRetryMaxDelay(Duration retryMaxDelay) {
        this.retryMaxDelay = retryMaxDelay;
    }

    public Duration getRetryMaxDelay() {
        return retryMaxDelay;
    }

    /** The random part, 0 to 1, cut from each retry delay. Default {@value #DEFAULT_RETRY_JITTER}. */
    public void setRetryJitter(double retryJitter) {
        this.retryJitter = retryJitter;
    }

    public double getRetryJitter() {
        return retryJitter;
    }

    /**
     * When fewer than this many slots are free, events at or below {@code discardableLevel} are dropped
     * ({@code discarded_by_level}) to keep room for more severe ones. Default {@value #DEFAULT_DISCARDING_THRESHOLD}
     * (off).
     */
    public void setDiscardingThreshold(int discardingThreshold) {
        this.discardingThreshold = discardingThreshold;
    }

    public int getDiscardingThreshold() {
        return discardingThreshold;
    }

    /** The most severe level that {@code discardingThreshold} may discard. Default {@value #DEFAULT_DISCARDABLE_LEVEL}. */
    public void setDiscardableLevel(String discardableLevel) {
        this.discardableLevel = discardableLevel;
    }

    public String getDiscardableLevel() {
        return discardableLevel;
    }

    /** A status warning every this many drops in a run (0: only the first and the summary). Default 1000. */
    public void setDroppedWarnFrequency(int droppedWarnFrequency) {
        this.droppedWarnFrequency = droppedWarnFrequency;
    }

    public int getDroppedWarnFrequency() {
        return droppedWarnFrequency;
    }

    /** Capture the caller's class, method and line on the calling thread (costly). Default false. */
    public void setIncludeCallerData(boolean includeCallerData) {
        this.includeCallerData = includeCallerData;
    }

    public boolean isIncludeCallerData() {
        return includeCallerData;
    }

    /** Register the stats MXBean {@code dev.sluice:type=Appender,name=<name>}. Default true. */
    public void setJmx(boolean jmx) {
        this.jmx = jmx;
    }

    public boolean isJmx() {
        return jmx;
    }

    /** Keeps events of loggers whose name starts with this prefix out of this appender (repeatable). */
    public void addExcludedLoggerPrefix(String prefix) {
        if (prefix != null && !prefix.isBlank()) {
            excludedLoggerPrefixes.add(prefix.trim());
        }
    }

    /** Comma-separated form of {@link #addExcludedLoggerPrefix(String)}. */
    public void setExcludedLoggerPrefixes(String prefixes) {
        if (prefixes != null) {
            for (String prefix : prefixes.split(",")) {
                addExcludedLoggerPrefix(prefix);
            }
        }
    }

    public List<String> getExcludedLoggerPrefixes() {
        return List.copyOf(excludedLoggerPrefixes);
    }
}
