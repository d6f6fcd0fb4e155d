package dev.sluice.core;

import static dev.sluice.core.CoreTestSupport.newContext;
import static dev.sluice.core.CoreTestSupport.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Edge cases of the async core: stops that time out, failing children, failures outside the sink, warnings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncBatchAppenderEdgeCaseTest {

    private final LoggerContext context = newContext("edge-cases");
    private final Logger logger = context.getLogger("app");

    @AfterEach
    void stopContext() {
        context.stop();
    }

    /** A child appender that records what reaches it, can hold given messages at a gate, and can throw an Error. */
    static final class GatedChild extends UnsynchronizedAppenderBase<ILoggingEvent> {
        final List<String> got = new CopyOnWriteArrayList<>();
        private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
        private volatile String poison;

        GatedChild gate(String message) {
            gates.put(message, new CountDownLatch(1));
            reached.put(message, new CountDownLatch(1));
            return this;
        }

        GatedChild throwingErrorOn(String message) {
            poison = message;
            return this;
        }

        void awaitReached(String message) throws InterruptedException {
            assertThat(reached.get(message).await(10, TimeUnit.SECONDS))
                    .as("worker reached %s", message)
                    .isTrue();
        }

        void open(String message) {
            gates.get(message).countDown();
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message.equals(poison)) {
                // e.g. a layout recursing on a pathological argument: an Error, which doAppend does not catch
                throw new StackOverflowError("child cannot format " + message);
            }
            CountDownLatch arrived = reached.get(message);
            if (arrived != null) {
                arrived.countDown();
                try {
                    gates.get(message).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            got.add(message);
        }
    }

    private SluiceAsyncAppender asyncOver(GatedChild child, Consumer<SluiceAsyncAppender> settings) {
        return CoreTestSupport.asyncOver(context, child, settings.andThen(async -> async.setJmx(false)));
    }

    private TestSinkAppender attach(String name, BatchSink<ILoggingEvent> sink, Consumer<TestSinkAppender> settings) {
        return CoreTestSupport.attach(context, name, sink, settings);
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /**
     * A stop() that times out must not release the children while the worker is inside a batch: the rest of the
     * batch would go to no appender yet count as delivered. The worker releases them when it is done.
     */
    @Test
    void stopThatTimesOutMustNotCountEventsAsDeliveredThatNoChildReceived() throws Exception {
        GatedChild child = new GatedChild().gate("held").gate("a");
        SluiceAsyncAppender async = asyncOver(child, a -> {
            a.setBatchSize(10);
            a.setShutdownGracePeriod(Duration.buildByMilliseconds(200));
        });
        logger.info("held");
        child.awaitReached("held");
        logger.info("a");
        logger.info("b");
        logger.info("c");
        child.open("held");
        child.awaitReached("a"); // the worker is inside the batch [a, b, c]
        async.stop(); // times out after grace + 200 ms, then afterStop() stops and detaches the child
        child.open("a");
        AppenderStatsMXBean stats = async.getStats();
        await().until(() -> stats.getAppended() == stats.getDelivered() + stats.getDropped());
        assertThat(stats.getDelivered()).isEqualTo(4);
        assertThat(child.got).as("what the child received").hasSize((int) stats.getDelivered());
    }

    /**
     * An Error from a child for one event must not fail the whole write: the pipeline would isolate the poison by
     * writing each event again, and the events before it would reach the child twice.
     */
    @Test
    void isolatingAPoisonEventMustNotAppendTheEventsBeforeItTwice() throws Exception {
        GatedChild child = new GatedChild().gate("held").throwingErrorOn("poison");
        SluiceAsyncAppender async = asyncOver(child, a -> a.setBatchSize(10));
        logger.info("held");
        child.awaitReached("held");
        logger.info("a");
        logger.info("poison");
        logger.info("b");
        child.open("held");
        AppenderStatsMXBean stats = async.getStats();
        await().until(() -> stats.getDelivered() + stats.getDropped() == 4);
        // Delivered means handed to the children; the child's own failure is reported, not retried.
        assertThat(stats.getDroppedRejectedBySink()).isZero();
        assertThat(child.got).containsExactly("held", "a", "b");
        assertThat(CoreTestSupport.statuses(context, Status.ERROR, "threw while appending \\(1 failures so far\\)"))
                .hasSize(1);
    }

    /**
     * The linger loop must end on stop even when the STOP signal is drained behind an event rather than polled on its
     * own; otherwise the worker lingers for maxBatchDelay, stop() times out and the events arrive after it returned.
     * Which of the two happens depends on scheduling; the assertion holds for both.
     */
    @Test
    void stopMustEndTheLingerEvenWhenItsStopSignalIsDrainedBehindAnEvent() throws Exception {
        Recorder sink = Recorder.ungated();
        TestSinkAppender appender = attach("linger", sink, a -> {
            a.setBatchSize(10);
            a.setMaxBatchDelay(Duration.buildBySeconds(30));
            a.setShutdownGracePeriod(Duration.buildByMilliseconds(500));
        });
        AppenderStatsMXBean stats = appender.getStats();
        Thread worker = thread("sluice-test-linger");
        logger.info("e0");
        // The worker holds [e0] and waits in the linger poll for up to 30 s.
        await().until(() -> stats.getQueueDepth() == 0 && worker.getState() == Thread.State.TIMED_WAITING);
        logger.info("e1"); // wakes the worker; the STOP below may land before it drains
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(appender::stop);
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(statuses(context, Status.WARN, "undelivered")).isEmpty();
        assertThat(stats.getDelivered()).as("delivered when stop() returned").isEqualTo(2);
    }

    /**
     * start() reports and refuses, never throws: a queue too big is refused by validation.
     */
    @Test
    void startMustNotThrowWhenTheQueueCannotBeAllocated() {
        TestSinkAppender appender = new TestSinkAppender(Recorder.ungated());
        appender.setContext(context);
        appender.setName("huge");
        appender.setJmx(false);
        appender.setQueueSize(Integer.MAX_VALUE);
        assertThatCode(appender::start).doesNotThrowAnyException();
        assertThat(appender.isStarted()).isFalse();
    }

    /** start() reports and refuses when createSink() fails with a LinkageError (a client library missing). */
    @Test
    void startMustNotThrowWhenCreateSinkFailsWithAnError() {
        AsyncBatchAppenderBase appender = new AsyncBatchAppenderBase() {
            @Override
            protected BatchSink<ILoggingEvent> createSink() {
                throw new NoClassDefFoundError("io/lettuce/core/RedisClient");
            }

            @Override
            protected String workerKind() {
                return "test";
            }
        };
        appender.setContext(context);
        appender.setName("missing-lib");
        appender.setJmx(false);
        assertThatCode(appender::start).doesNotThrowAnyException();
        assertThat(appender.isStarted()).isFalse();
        assertThat(statuses(context, Status.ERROR, "\\[missing-lib\\] not started"))
                .isNotEmpty();
    }

    /**
     * A Throwable outside sink.write (an event whose toString throws while a poison is reported) must not kill the
     * worker, and every event of the batch must still be counted.
     */
    @Test
    void aThrowableOutsideSinkWriteMustNotKillTheWorkerNorLoseTheRestOfTheBatch() throws Exception {
        Recorder sink = Recorder.gated().failingWith((batch, attempt) -> {
            if (Recorder.contains("poison").test(batch)) {
                throw SinkException.permanent("cannot store this event", null);
            }
        });
        TestSinkAppender appender = attach("fragile", sink, a -> {});
        logger.info("held");
        sink.awaitBlocked();
        LoggingEvent poison = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "poison", null, null) {
            @Override
            public String toString() {
                throw new IllegalStateException("toString of a malformed event");
            }
        };
        appender.doAppend(poison);
        logger.info("after");
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> stats.getAppended() == stats.getDelivered() + stats.getDropped());
        logger.info("later");
        await().atMost(5, TimeUnit.SECONDS).until(() -> stats.getDelivered() == 3);
        assertThat(sink.messages()).containsExactly("held", "after", "later");
    }

    /**
     * Failure warnings are rate-limited across batches: a flapping sink that fails each batch once must not produce
     * a warning per batch.
     */
    @Test
    void aFlappingSinkMustNotProduceAWarningPerBatch() {
        Recorder sink = Recorder.ungated().failingWith((batch, attempt) -> {
            if (attempt % 2 == 1) {
                throw SinkException.retryable("flapping", null);
            }
        });
        TestSinkAppender appender = attach("flapping", sink, a -> a.setBatchSize(1));
        for (int i = 0; i < 64; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> appender.getStats().getDelivered() == 64);
        assertThat(appender.getStats().getFailedAttempts()).isEqualTo(64);
        // 64 failures reported at powers of two would be 7 warnings.
        assertThat(statuses(context, Status.WARN, "failed to write a batch").size())
                .as("failure warnings for 64 failed attempts")
                .isLessThanOrEqualTo(7);
    }

    /** With droppedWarnFrequency=0 the first-drop warning must not promise a report "every 0" drops. */
    @Test
    void firstDropWarningMustNotPromiseAReportEvery0Drops() throws Exception {
        Recorder sink = Recorder.gated();
        attach("quiet", sink, a -> {
            a.setQueueSize(1);
            a.setBatchSize(1);
            a.setDroppedWarnFrequency(0);
        });
        logger.info("held");
        sink.awaitBlocked();
        logger.info("queued");
        logger.info("dropped");
        sink.openGate();
        List<Status> first = statuses(context, Status.WARN, "is dropping events");
        assertThat(first)
                .singleElement()
                .extracting(Status::getMessage)
                .asString()
                .doesNotContain("every 0");
    }
}
