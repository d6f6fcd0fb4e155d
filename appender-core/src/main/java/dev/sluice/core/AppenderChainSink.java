package dev.sluice.core;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import ch.qos.logback.core.spi.ContextAware;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Delivers each batch to the attached appenders, in order, then flushes those that buffer: the batch end is the
 * flush hint Logback's own AsyncAppender never gives. A child that throws (even an {@code Error}) is reported and
 * skipped for that event, so a write here never fails: a failed write would make the pipeline write the batch
 * again and hand the same events to the children twice.
 */
final class AppenderChainSink implements BatchSink<ILoggingEvent> {

    private final AppenderAttachableImpl<ILoggingEvent> children;
    private final boolean flushAtBatchEnd;
    private final ContextAware status;
    private long appendFailures;
    private long flushFailures;

    AppenderChainSink(AppenderAttachableImpl<ILoggingEvent> children, boolean flushAtBatchEnd, ContextAware status) {
        this.children = children;
        this.flushAtBatchEnd = flushAtBatchEnd;
        this.status = status;
    }

    @Override
    public void write(List<ILoggingEvent> batch) {
        // One snapshot of the children per batch, not an iterator per event.
        List<Appender<ILoggingEvent>> targets = new ArrayList<>();
        children.iteratorForAppenders().forEachRemaining(targets::add);
        for (ILoggingEvent event : batch) {
            for (Appender<ILoggingEvent> child : targets) {
                try {
                    child.doAppend(event);
                } catch (Throwable e) {
                    // Reported at the 1st, 2nd, 4th, ... failure, so a broken child cannot flood the status manager.
                    if (Long.bitCount(++appendFailures) == 1) {
                        status.addError(
                                "Appender [" + child.getName() + "] threw while appending (" + appendFailures
                                        + " failures so far); the event went to the other appenders.",
                                e);
                    }
                }
            }
        }
        if (flushAtBatchEnd) {
            flushChildren();
        }
    }

    @Override
    public void close() {
        if (flushAtBatchEnd) {
            flushChildren();
        }
    }

    private void flushChildren() {
        for (Iterator<Appender<ILoggingEvent>> it = children.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> child = it.next();
            try {
                if (child instanceof OutputStreamAppender<ILoggingEvent> streamAppender) {
                    OutputStream stream = streamAppender.getOutputStream();
                    if (stream != null) {
                        stream.flush();
                    }
                } else if (child instanceof Flushable flushable) {
                    flushable.flush();
                }
            } catch (IOException | RuntimeException | Error e) {
                // Reported at the 1st, 2nd, 4th, ... failure: a full disk must not flood the status manager.
                if (Long.bitCount(++flushFailures) == 1) {
                    status.addWarn(
                            "Failed to flush appender [" + child.getName() + "] at the end of a batch (" + flushFailures
                                    + " failures so far).",
                            e);
                }
            }
        }
    }
}
