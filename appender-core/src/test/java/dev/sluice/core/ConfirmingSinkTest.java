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
import ch.qos.logback.core.util.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConfirmingSink}: the worker does not wait for confirms; events stay pending (the {@code unconfirmed} gauge)
 * until the sink reports them from another thread; flushes run on the worker and are retried; at stop, what is still
 * unconfirmed is counted as dropped (shutdown), and nothing is counted twice.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfirmingSinkTest {

    private final LoggerContext context = newContext("confirming");
    private final Logger logger = context.getLogger("app");

    @AfterEach
    void stopContext() {
        context.stop();
    }

    /** Accepts batches and confirms them only when the test (or a flush) says so. */
    static final class ConfirmLaterSink implements ConfirmingSink<ILoggingEvent> {
        private final List<ILoggingEvent> accepted = new ArrayList<>();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();
        final Set<String> flushThreads = ConcurrentHashMap.newKeySet();
        volatile Confirmations<ILoggingEvent> confirmations;
        volatile boolean needsFlush;
        volatile boolean confirmOnFlush = true;
        volatile int flushFailures;
        volatile int writeFailures;

        @Override
        public void confirmTo(Confirmations<ILoggingEvent> confirmations) {
            this.confirmations = confirmations;
        }

        @Override
        public synchronized void write(List<ILoggingEvent> batch) throws SinkException {
            writes.incrementAndGet();
            if (writeFailures > 0) {
                writeFailures--;
                throw SinkException.retryable("write refused on purpose", null);
            }
            accepted.addAll(batch);
        }

        @Override
        public boolean needsFlush() {
            return needsFlush;
        }

        @Override
        public void flush() throws SinkException {
            flushes.incrementAndGet();
            flushThreads.add(Thread.currentThread().getName());
            if (flushFailures > 0) {
                flushFailures--;
                throw SinkException.retryable("flush failed on purpose", null);
            }
            if (confirmOnFlush) {
                confirmAll();
                needsFlush = false;
            }
        }

        synchronized int accepted() {
            return accepted.size();
        }

        /** Confirms every accepted event, as a client's I/O thread would. */
        synchronized void confirmAll() {
            confirmations.delivered(accepted.size());
            accepted.clear();
        }

        /** Reports the first accepted event as refused and confirms the rest. */
        synchronized void rejectFirstConfirmRest() {
            confirmations.rejected(accepted.get(0), new IllegalStateException("unroutable on purpose"));
            confirmations.delivered(accepted.size() - 1);
            accepted.clear();
        }
    }

    @Test
    void writesDoNotWaitForConfirmsAndEventsCountOnlyWhenConfirmed() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        TestSinkAppender appender = attach(context, "later", sink, a -> a.setBatchSize(10));
        AppenderStatsMXBean stats = appender.getStats();
        for (int i = 0; i < 30; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 30);
        assertThat(stats.getUnconfirmed()).isEqualTo(30);
        assertThat(stats.getDelivered()).isZero();

        Thread confirmer = new Thread(sink::confirmAll, "client-io");
        confirmer.start();
        await().until(() -> stats.getDelivered() == 30);
        assertThat(stats.getUnconfirmed()).isZero();
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.toString()).contains("unconfirmed=0");
    }

    @Test
    void refusedEventsAreRejectedAndReportedTheRestDelivered() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        TestSinkAppender appender = attach(context, "refusing", sink, a -> a.setBatchSize(5));
        AppenderStatsMXBean stats = appender.getStats();
        for (int i = 0; i < 5; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 5);
        sink.rejectFirstConfirmRest();
        assertThat(stats.getDelivered()).isEqualTo(4);
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(1);
        assertThat(stats.getUnconfirmed()).isZero();
        List<Status> errors = statuses(context, Status.ERROR, "dropped an event its sink rejected permanently");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getThrowable()).hasMessage("unroutable on purpose");
    }

    @Test
    void aFlushTheSinkAsksForRunsOnTheWorkerAndIsRetriedUntilItWorks() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        TestSinkAppender appender = attach(context, "flushing", sink, a -> a.setBatchSize(10));
        AppenderStatsMXBean stats = appender.getStats();
        for (int i = 0; i < 10; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 10);
        sink.flushFailures = 3;
        sink.needsFlush = true; // as after a lost connection: the idle worker notices within a second

        await().until(() -> stats.getDelivered() == 10);
        assertThat(sink.flushes.get()).isEqualTo(4);
        assertThat(sink.flushThreads).containsExactly("sluice-test-flushing");
        assertThat(stats.getFailedAttempts()).isEqualTo(3);
        assertThat(stats.getRetries()).isEqualTo(3);
        assertThat(statuses(context, Status.WARN, "failed to get 10 events it sent confirmed"))
                .isNotEmpty();
        assertThat(statuses(context, Status.INFO, "managed to get the events it sent confirmed after 3 failed"))
                .hasSize(1);
    }

    @Test
    void aFailedWriteLeavesNothingPendingAndTheRetryCountsOnce() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        sink.writeFailures = 2;
        TestSinkAppender appender = attach(context, "retrying", sink, a -> a.setBatchSize(10));
        AppenderStatsMXBean stats = appender.getStats();
        for (int i = 0; i < 10; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 10);
        // Two refused writes, each retried: none of their events was counted as pending twice.
        assertThat(stats.getFailedAttempts()).isEqualTo(2);
        assertThat(stats.getUnconfirmed()).isEqualTo(10);
        sink.confirmAll();
        assertThat(stats.getDelivered()).isEqualTo(10);
        assertThat(stats.getUnconfirmed()).isZero();
        assertThat(stats.getRetries()).isEqualTo(2);
    }

    @Test
    void stopFlushesWhatIsUnconfirmed() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        TestSinkAppender appender = attach(context, "stopping", sink, a -> a.setBatchSize(10));
        for (int i = 0; i < 25; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 25);
        appender.stop();
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(sink.flushes.get()).isEqualTo(1);
        assertThat(stats.getDelivered()).isEqualTo(25);
        assertThat(stats.getDropped()).isZero();
        assertThat(statuses(context, Status.INFO, "stopped; every queued event was delivered"))
                .hasSize(1);
    }

    @Test
    void whatStaysUnconfirmedAtStopIsCountedAsShutdownAndLateConfirmsAreIgnored() {
        ConfirmLaterSink sink = new ConfirmLaterSink();
        sink.confirmOnFlush = false;
        sink.flushFailures = Integer.MAX_VALUE; // a broker that never confirms
        TestSinkAppender appender = attach(context, "unconfirmed", sink, a -> {
            a.setBatchSize(10);
            a.setShutdownGracePeriod(Duration.buildByMilliseconds(200));
        });
        for (int i = 0; i < 20; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> sink.accepted() == 20);
        appender.stop();
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getDroppedShutdown()).isEqualTo(20);
        assertThat(stats.getUnconfirmed()).isZero();
        assertThat(sink.flushes.get()).isGreaterThanOrEqualTo(1);
        assertThat(statuses(context, Status.WARN, "could not deliver 20 events within shutdownGracePeriod"))
                .hasSize(1);

        sink.confirmAll(); // the broker's confirms arrive after the sink closed
        assertThat(stats.getDelivered()).isZero();
        assertThat(stats.getAppended()).isEqualTo(stats.getDelivered() + stats.getDropped());
    }
}
