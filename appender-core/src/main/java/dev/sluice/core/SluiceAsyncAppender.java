package dev.sluice.core;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.Iterator;
import java.util.List;

/**
 * A drop-in replacement for Logback's {@code AsyncAppender}: wraps any appenders given by {@code <appender-ref>},
 * delivers to them in batches on one worker thread, flushes buffering children once per batch, counts every drop by
 * reason, exposes JMX stats and reports on shutdown exactly what it could not deliver.
 *
 * <pre>{@code
 * <appender name="ASYNC" class="dev.sluice.core.SluiceAsyncAppender">
 *   <appender-ref ref="FILE"/>
 * </appender>
 * }</pre>
 */
public class SluiceAsyncAppender extends AsyncBatchAppenderBase implements AppenderAttachable<ILoggingEvent> {

    /** Default {@code flushAtBatchEnd}: {@value}. */
    public static final boolean DEFAULT_FLUSH_AT_BATCH_END = true;

    private final AppenderAttachableImpl<ILoggingEvent> children = new AppenderAttachableImpl<>();
    private boolean flushAtBatchEnd = DEFAULT_FLUSH_AT_BATCH_END;

    /**
     * Everything queued, in one pass: the children only pay per batch (a flush), so a larger batch only saves
     * flushes. Set {@code batchSize} to cap it.
     */
    @Override
    protected int defaultBatchSize() {
        return Integer.MAX_VALUE;
    }

    @Override
    protected String workerKind() {
        return "async";
    }

    @Override
    protected void validateSettings(List<String> errors) {
        if (!children.iteratorForAppenders().hasNext()) {
            errors.add("it has no appender to deliver to; add <appender-ref ref=\"...\"/> inside <appender name=\""
                    + getName() + "\">.");
        }
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        if (flushAtBatchEnd) {
            takeOverFlushing();
        }
        return new AppenderChainSink(children, flushAtBatchEnd, this);
    }

    /** Children that flush per event are switched to flush once per batch, which is the point of batching. */
    private void takeOverFlushing() {
        for (Iterator<Appender<ILoggingEvent>> it = children.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> child && child.isImmediateFlush()) {
                child.setImmediateFlush(false);
                addInfo("Appender [" + getName() + "] flushes [" + child.getName()
                        + "] at the end of each batch instead of after each event (flushAtBatchEnd=true).");
            }
        }
    }

    @Override
    protected void afterStop() {
        children.detachAndStopAllAppenders();
    }

    /**
     * Flush buffering children ({@code OutputStreamAppender}s and {@code Flushable}s) at the end of each batch, and
     * switch {@code OutputStreamAppender} children from per-event to per-batch flushing. Default
     * {@value #DEFAULT_FLUSH_AT_BATCH_END}.
     */
    public void setFlushAtBatchEnd(boolean flushAtBatchEnd) {
        this.flushAtBatchEnd = flushAtBatchEnd;
    }

    public boolean isFlushAtBatchEnd() {
        return flushAtBatchEnd;
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        children.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return children.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return children.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return children.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        children.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return children.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return children.detachAppender(name);
    }
}
