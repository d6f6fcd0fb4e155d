package dev.sluice.core;

import static dev.sluice.core.CoreTestSupport.attach;
import static dev.sluice.core.CoreTestSupport.newContext;
import static dev.sluice.core.CoreTestSupport.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.status.Status;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BatchSink#maintain()}: called on the worker between batches and when idle; its failures lose nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SinkMaintenanceTest {

    private final LoggerContext context = newContext("maintenance");
    private final Logger logger = context.getLogger("app");

    @AfterEach
    void stopContext() {
        context.stop();
    }

    /** Counts maintenance calls and the threads they ran on; can fail every call. */
    static final class MaintainedSink implements BatchSink<ILoggingEvent> {
        final AtomicInteger maintained = new AtomicInteger();
        final AtomicInteger written = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile boolean failing;

        @Override
        public void write(List<ILoggingEvent> batch) {
            written.addAndGet(batch.size());
        }

        @Override
        public void maintain() {
            maintained.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (failing) {
                throw new IllegalStateException("maintenance failed on purpose");
            }
        }
    }

    @Test
    void anIdleWorkerStillRunsMaintenanceOnItsOwnThread() {
        MaintainedSink sink = new MaintainedSink();
        attach(context, "idle", sink, a -> {});
        await().until(() -> sink.maintained.get() >= 2);
        assertThat(sink.threads).containsExactly("sluice-test-idle");
        assertThat(sink.written.get()).isZero();
    }

    @Test
    void maintenanceRunsAfterBatches() {
        MaintainedSink sink = new MaintainedSink();
        TestSinkAppender appender = attach(context, "busy", sink, a -> a.setBatchSize(1));
        for (int i = 0; i < 10; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> appender.getStats().getDelivered() == 10);
        assertThat(sink.maintained.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void failingMaintenanceIsReportedAtPowersOfTwoAndLosesNoEvent() {
        MaintainedSink sink = new MaintainedSink();
        sink.failing = true;
        TestSinkAppender appender = attach(context, "failing", sink, a -> a.setBatchSize(1));
        for (int i = 0; i < 100; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> appender.getStats().getDelivered() == 100);
        await().until(() -> sink.maintained.get() >= 100);
        assertThat(appender.getStats().getDropped()).isZero();
        List<Status> warnings = statuses(context, Status.WARN, "failed to run its sink's maintenance");
        // 100+ failures at powers of two: 1, 2, 4, ..., 64 (and 128 if reached), never one per failure.
        assertThat(warnings).hasSizeBetween(7, 8);
        assertThat(warnings.get(0).getThrowable()).hasMessage("maintenance failed on purpose");
    }
}
