package dev.sluice.core;

import static dev.sluice.core.CoreTestSupport.newContext;
import static dev.sluice.core.CoreTestSupport.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncBatchAppenderBaseTest {

    private final LoggerContext context = newContext("core-test");
    private final Logger logger = context.getLogger("app");

    @AfterEach
    void stopContext() {
        context.stop();
        MDC.clear();
    }

    private TestSinkAppender attach(BatchSink<ILoggingEvent> sink, Consumer<TestSinkAppender> settings) {
        return CoreTestSupport.attach(context, "test", sink, settings);
    }

    @Test
    void dropPolicyCountsEveryDropByReasonAndRateLimitsWarnings() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(10);
            a.setBatchSize(1);
            a.setDroppedWarnFrequency(5);
        });
        logger.info("held");
        sink.awaitBlocked();
        for (int i = 0; i < 25; i++) {
            logger.info("event {}", i);
        }
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getAppended()).isEqualTo(26);
        assertThat(stats.getDroppedQueueFull()).isEqualTo(15);
        assertThat(stats.getQueueDepth()).isEqualTo(10);
        assertThat(statuses(context, Status.WARN, "\\[test\\] is dropping events \\(queue_full"))
                .hasSize(1);
        assertThat(statuses(context, Status.WARN, "has dropped \\d+ events in this run"))
                .extracting(Status::getMessage)
                .containsExactly(
                        "Appender [test] has dropped 5 events in this run so far (queue_full=5).",
                        "Appender [test] has dropped 10 events in this run so far (queue_full=10).",
                        "Appender [test] has dropped 15 events in this run so far (queue_full=15).");

        sink.openGate();
        await().until(() -> stats.getDelivered() == 11);
        await().until(() -> !statuses(context, Status.WARN, "stopped dropping").isEmpty());
        assertThat(statuses(context, Status.WARN, "stopped dropping"))
                .extracting(Status::getMessage)
                .containsExactly("Appender [test] stopped dropping: 15 events dropped in this run (queue_full=15); 15"
                        + " dropped since start.");
        assertThat(sink.messages())
                .containsExactly(
                        "held", "event 0", "event 1", "event 2", "event 3", "event 4", "event 5", "event 6", "event 7",
                        "event 8", "event 9");
        assertThat(stats.getAppended()).isEqualTo(stats.getDelivered() + stats.getDropped());
    }

    @Test
    void discardingThresholdDropsOnlyDiscardableLevelsWhenNearlyFull() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(4);
            a.setBatchSize(1);
            a.setDiscardingThreshold(3);
        });
        logger.info("held");
        sink.awaitBlocked();
        logger.info("kept 1");
        logger.info("kept 2");
        logger.info("discarded");
        logger.warn("warn kept");
        logger.error("error kept");
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 5);
        assertThat(stats.getDroppedDiscardedByLevel()).isEqualTo(1);
        assertThat(sink.messages()).containsExactly("held", "kept 1", "kept 2", "warn kept", "error kept");
    }

    @Test
    void blockPolicyWaitsAtLeastAppendTimeoutThenCountsTheDrop() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(1);
            a.setBatchSize(1);
            a.setOverflowPolicy("block");
            a.setAppendTimeout(Duration.buildByMilliseconds(200));
        });
        logger.info("held");
        sink.awaitBlocked();
        logger.info("queued");
        long started = System.nanoTime();
        logger.info("timed out");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // The call came back while the gate was still shut: it waited for the timeout, not for room.
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(waitedMillis).isGreaterThanOrEqualTo(200);
        assertThat(stats.getDroppedQueueFull()).isEqualTo(1);
        assertThat(stats.getDelivered()).isZero();
        sink.openGate();
        await().until(() -> stats.getDelivered() == 2);
        assertThat(sink.messages()).containsExactly("held", "queued");
    }

    @Test
    void blockPolicyWithoutTimeoutWaitsForRoomAndLosesNothing() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(1);
            a.setBatchSize(1);
            a.setOverflowPolicy("BLOCK");
        });
        logger.info("held");
        sink.awaitBlocked();
        logger.info("queued");
        Thread producer = new Thread(() -> logger.info("waiting"), "blocked-producer");
        producer.start();
        await().until(() -> producer.getState() == Thread.State.TIMED_WAITING);
        assertThat(producer.isAlive()).isTrue();
        sink.openGate();
        producer.join(10_000);
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 3);
        assertThat(stats.getDropped()).isZero();
        assertThat(sink.messages()).containsExactly("held", "queued", "waiting");
    }

    @Test
    void retryableFailureRetriesTheSameBatchWithBackoffKeepingOrder() throws Exception {
        Recorder sink = Recorder.gated().failingWith((batch, attempt) -> {
            if (attempt <= 3) {
                throw SinkException.retryable("destination down", null);
            }
        });
        TestSinkAppender appender = attach(sink, a -> {});
        logger.info("first");
        sink.awaitBlocked();
        for (int i = 0; i < 100; i++) {
            logger.info("event {}", i);
        }
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 101);
        assertThat(sink.attempts.subList(0, 4))
                .allSatisfy(batch -> assertThat(batch).containsExactly("first"));
        assertThat(sink.messages())
                .containsExactlyElementsOf(IntStream.range(-1, 100)
                        .mapToObj(i -> i < 0 ? "first" : "event " + i)
                        .toList());
        assertThat(stats.getFailedAttempts()).isEqualTo(3);
        assertThat(stats.getRetries()).isEqualTo(3);
        assertThat(stats.getDropped()).isZero();
        // Reported at attempts 1 and 2 (powers of two), then the recovery.
        assertThat(statuses(
                        context,
                        Status.WARN,
                        "failed to write a batch of 1 events \\(attempt [12]; [12] failures since start\\)"))
                .hasSize(2);
        assertThat(statuses(context, Status.INFO, "managed to deliver a batch of 1 events after 3 failed attempts"))
                .hasSize(1);
    }

    @Test
    void poisonEventIsCountedAndReportedAndTheRestOfItsBatchIsDelivered() throws Exception {
        Recorder sink = Recorder.gated().failingWith((batch, attempt) -> {
            if (Recorder.contains("poison").test(batch)) {
                throw SinkException.permanent("cannot store this event", null);
            }
        });
        TestSinkAppender appender = attach(sink, a -> {});
        logger.info("first");
        sink.awaitBlocked();
        for (int i = 0; i < 50; i++) {
            logger.info(i == 25 ? "poison" : "event " + i);
        }
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() + stats.getDropped() == 51);
        assertThat(sink.attempts)
                .anySatisfy(batch -> assertThat(batch).hasSizeGreaterThan(1).contains("poison"));
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(1);
        assertThat(stats.getDelivered()).isEqualTo(50);
        assertThat(sink.messages()).doesNotContain("poison").hasSize(50).startsWith("first", "event 0");
        List<Status> errors = statuses(context, Status.ERROR, "rejected permanently");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getMessage()).contains("poison");
        assertThat(errors.get(0).getThrowable()).hasMessage("cannot store this event");
    }

    /** With a grace period of an hour, only giving up at once lets stop() return within the test's timeout. */
    @Test
    @Timeout(60)
    void stopDoesNotWaitForASinkThatCannotOpenWhenNothingIsQueued() {
        AtomicInteger opens = new AtomicInteger();
        BatchSink<ILoggingEvent> unreachable = new BatchSink<>() {
            @Override
            public void open() throws SinkException {
                opens.incrementAndGet();
                throw SinkException.retryable("broker down", null);
            }

            @Override
            public void write(List<ILoggingEvent> batch) {}
        };
        TestSinkAppender appender = attach(unreachable, a -> a.setShutdownGracePeriod(Duration.buildByHours(1)));
        await().until(() -> opens.get() >= 1);
        appender.stop();
        assertThat(appender.isStarted()).isFalse();
        assertThat(appender.getStats().getDropped()).isZero();
    }

    @Test
    void partialWriteRejectsOnlyTheNamedEventsWithoutWritingTheBatchAgain() throws Exception {
        Recorder sink = Recorder.gated().failingWith((batch, attempt) -> {
            Map<Integer, Throwable> refused = new TreeMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).getFormattedMessage().startsWith("refused")) {
                    refused.put(
                            i,
                            new IllegalStateException(
                                    "WRONGTYPE for " + batch.get(i).getFormattedMessage()));
                }
            }
            if (!refused.isEmpty()) {
                throw new PartialWriteException("some events were refused", refused);
            }
        });
        TestSinkAppender appender = attach(sink, a -> {});
        logger.info("first");
        sink.awaitBlocked();
        for (int i = 0; i < 50; i++) {
            logger.info(i % 10 == 3 ? "refused " + i : "event " + i);
        }
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() + stats.getDropped() == 51);
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(5);
        assertThat(stats.getDelivered()).isEqualTo(46);
        assertThat(stats.getFailedAttempts()).isZero();
        // Two attempts in all ("first", then the 50 together): no batch was written again event by event.
        assertThat(sink.attempts).hasSize(2);
        assertThat(sink.attempts.get(1)).hasSize(50);
        List<Status> errors = statuses(context, Status.ERROR, "rejected permanently");
        // Reported at powers of two: the 1st, 2nd and 4th refusal.
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).getMessage()).contains("refused 3");
        assertThat(errors.get(0).getThrowable()).hasMessage("WRONGTYPE for refused 3");
    }

    @Test
    void partialWriteNamingNoEventOfTheBatchIsIsolatedLikeAnyPermanentFailure() throws Exception {
        Recorder sink = Recorder.gated().failingWith((batch, attempt) -> {
            if (batch.size() > 1) {
                throw new PartialWriteException("a sink bug", Map.of(batch.size(), new IllegalStateException("?")));
            }
        });
        TestSinkAppender appender = attach(sink, a -> {});
        logger.info("first");
        sink.awaitBlocked();
        for (int i = 0; i < 5; i++) {
            logger.info("event {}", i);
        }
        sink.openGate();
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 6);
        assertThat(stats.getDropped()).isZero();
        assertThat(sink.messages()).containsExactly("first", "event 0", "event 1", "event 2", "event 3", "event 4");
    }

    @Test
    void sinkThrowingAnErrorDoesNotKillTheWorkerNorHangProducers() throws Exception {
        Recorder sink = Recorder.ungated().failingWith((batch, attempt) -> {
            if (Recorder.contains("bad").test(batch)) {
                throw new InternalError("sink exploded");
            }
        });
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(16);
            a.setBatchSize(16);
            a.setOverflowPolicy("BLOCK");
        });
        logger.info("bad");
        for (int i = 0; i < 1000; i++) {
            logger.info("good {}", i);
        }
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 1000);
        assertThat(stats.getDroppedRejectedBySink()).isEqualTo(1);
        assertThat(statuses(context, Status.ERROR, "rejected permanently"))
                .singleElement()
                .satisfies(status -> assertThat(status.getThrowable()).isInstanceOf(InternalError.class));
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .contains("sluice-test-test");
    }

    @Test
    void feedbackGuardKeepsWorkerThreadAndExcludedLoggersOut() throws Exception {
        AtomicReference<Logger> workerLogger = new AtomicReference<>(logger);
        Recorder sink = Recorder.ungated()
                .failingWith((batch, attempt) -> workerLogger.get().info("logged by the sink"));
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(1);
            a.setBatchSize(1);
            a.setOverflowPolicy("BLOCK");
            a.addExcludedLoggerPrefix("org.example.noisy.");
        });
        for (int i = 0; i < 20; i++) {
            logger.info("event {}", i);
        }
        context.getLogger("com.example.client.Connection").info("client library, excluded by default");
        context.getLogger("org.example.noisy.Thing").info("excluded by setting");
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 20);
        await().until(() -> stats.getAppended() == stats.getDelivered() + stats.getDropped());
        assertThat(stats.getDroppedFeedback()).isEqualTo(2 + sink.attempts.size());
        assertThat(sink.messages()).hasSize(20).allMatch(message -> message.startsWith("event "));
        assertThat(statuses(context, Status.WARN, "feedback loop")).hasSize(1);
    }

    @Test
    void capturesCallSiteValuesOnTheCallingThread() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> a.setIncludeCallerData(true));
        Thread producer = new Thread(
                () -> {
                    MDC.put("job", "a");
                    logger.atInfo()
                            .addMarker(MarkerFactory.getMarker("AUDIT"))
                            .addKeyValue("user", "u1")
                            .addKeyValue("attempt", 3)
                            .log("hello {}", 42);
                    MDC.put("job", "b");
                    Thread.currentThread().setName("renamed");
                },
                "producer-1");
        producer.start();
        producer.join();
        sink.openGate();
        await().until(() -> appender.getStats().getDelivered() == 1);
        ILoggingEvent event = sink.written.get(0);
        assertThat(event.getFormattedMessage()).isEqualTo("hello 42");
        assertThat(event.getThreadName()).isEqualTo("producer-1");
        assertThat(event.getMDCPropertyMap()).isEqualTo(Map.of("job", "a"));
        assertThat(event.getKeyValuePairs())
                .extracting(pair -> pair.key + "=" + pair.value)
                .containsExactly("user=u1", "attempt=3");
        assertThat(event.getMarkerList()).extracting(marker -> marker.getName()).containsExactly("AUDIT");
        assertThat(event.getCallerData()[0].getClassName()).isEqualTo(AsyncBatchAppenderBaseTest.class.getName());
    }

    @Test
    void stopDeliversEverythingQueuedWithinTheGracePeriod() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> a.setQueueSize(1000));
        for (int i = 0; i < 500; i++) {
            logger.info("event {}", i);
        }
        sink.awaitBlocked();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::stop);
        await().until(() -> !appender.isStarted());
        sink.openGate();
        stopping.get(30, TimeUnit.SECONDS);
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getDelivered()).isEqualTo(500);
        assertThat(stats.getDropped()).isZero();
        assertThat(statuses(context, Status.INFO, "stopped; every queued event was delivered"))
                .hasSize(1);
    }

    @Test
    void stopReportsTheExactCountItCouldNotDeliverInTime() throws Exception {
        Recorder sink = Recorder.gated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setQueueSize(1000);
            a.setBatchSize(100);
            a.setShutdownGracePeriod(Duration.buildByMilliseconds(300));
        });
        logger.info("held");
        sink.awaitBlocked();
        for (int i = 0; i < 499; i++) {
            logger.info("event {}", i);
        }
        context.stop();
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(statuses(
                        context,
                        Status.WARN,
                        "stopped with 500 undelivered events after shutdownGracePeriod"
                                + " \\(300 ms\\): 499 dropped from the queue \\(shutdown\\), 1 in a sink write"))
                .hasSize(1);
        assertThat(stats.getDroppedShutdown()).isEqualTo(499);
        sink.openGate();
        await().until(() -> stats.getDelivered() == 1);
        assertThat(stats.getAppended()).isEqualTo(stats.getDelivered() + stats.getDropped());
    }

    @Test
    void stopCountsBatchesStillFailingAtTheDeadline() throws Exception {
        Recorder sink = Recorder.ungated().failingWith((batch, attempt) -> {
            throw SinkException.retryable("still down", null);
        });
        TestSinkAppender appender = attach(sink, a -> a.setShutdownGracePeriod(Duration.buildByMilliseconds(200)));
        for (int i = 0; i < 100; i++) {
            logger.info("event {}", i);
        }
        context.stop();
        AppenderStatsMXBean stats = appender.getStats();
        assertThat(stats.getDroppedShutdown()).isEqualTo(100);
        assertThat(stats.getDelivered()).isZero();
        assertThat(statuses(
                        context, Status.WARN, "could not deliver 100 events within shutdownGracePeriod \\(200 ms\\)"))
                .hasSize(1);
    }

    @Test
    void invalidSettingsAreEachReportedAndTheAppenderDoesNotStart() {
        TestSinkAppender appender = new TestSinkAppender(Recorder.ungated());
        appender.setContext(context);
        appender.setName("bad");
        appender.setQueueSize(0);
        appender.setBatchSize(5);
        appender.setOverflowPolicy("sometimes");
        appender.setAppendTimeout(Duration.buildByMilliseconds(-1));
        appender.setRetryJitter(2);
        appender.setDiscardableLevel("LOUD");
        appender.setDroppedWarnFrequency(-1);
        appender.start();
        assertThat(appender.isStarted()).isFalse();
        assertThat(appender.getStats()).isNull();
        assertThat(statuses(context, Status.ERROR, "^Appender \\[bad\\] not started: "))
                .extracting(Status::getMessage)
                .containsExactlyInAnyOrder(
                        "Appender [bad] not started: queueSize must be between 1 and 4194304, was 0.",
                        "Appender [bad] not started: batchSize must be between 1 and queueSize (0), was 5.",
                        "Appender [bad] not started: appendTimeout must be zero or more, was -1 milliseconds.",
                        "Appender [bad] not started: retryJitter must be between 0 and 1, was 2.0.",
                        "Appender [bad] not started: discardableLevel 'LOUD' is not a level; use TRACE, DEBUG, INFO,"
                                + " WARN or ERROR.",
                        "Appender [bad] not started: droppedWarnFrequency must not be negative, was -1.",
                        "Appender [bad] not started: overflowPolicy 'sometimes' is unknown; use DROP or BLOCK.");
        appender.stop();
    }

    @Test
    void mxBeanIsRegisteredOnStartMatchesTheGettersAndIsUnregisteredOnStop() throws Exception {
        Recorder sink = Recorder.ungated();
        TestSinkAppender appender = attach(sink, a -> a.setName("jmx-test"));
        for (int i = 0; i < 42; i++) {
            logger.info("event {}", i);
        }
        AppenderStatsMXBean stats = appender.getStats();
        await().until(() -> stats.getDelivered() == 42);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.sluice:type=Appender,name=jmx-test");
        assertThat(server.isRegistered(name)).isTrue();
        for (String attribute : List.of(
                "Appended",
                "Enqueued",
                "Delivered",
                "Batches",
                "Dropped",
                "DroppedQueueFull",
                "DroppedShutdown",
                "FailedAttempts",
                "Retries",
                "QueueDepth",
                "QueueCapacity",
                "Connected")) {
            Object expected = AppenderStatsMXBean.class
                    .getMethod((attribute.equals("Connected") ? "is" : "get") + attribute)
                    .invoke(stats);
            assertThat(server.getAttribute(name, attribute)).as(attribute).isEqualTo(expected);
        }
        assertThat(server.getAttribute(name, "Delivered")).isEqualTo(42L);
        assertThat(server.getAttribute(name, "QueueCapacity")).isEqualTo(AsyncBatchAppenderBase.DEFAULT_QUEUE_SIZE);
        appender.stop();
        assertThat(server.isRegistered(name)).isFalse();
        appender.stop(); // idempotent
        assertThat(statuses(context, Status.INFO, "\\[jmx-test\\] stopped;")).hasSize(1);
    }

    @Test
    void maxBatchDelayLingersForAFullBatch() {
        Recorder sink = Recorder.ungated();
        TestSinkAppender appender = attach(sink, a -> {
            a.setBatchSize(10);
            a.setMaxBatchDelay(Duration.buildBySeconds(30));
        });
        for (int i = 0; i < 25; i++) {
            logger.info("event {}", i);
        }
        await().until(() -> appender.getStats().getDelivered() == 20);
        assertThat(sink.attempts).extracting(List::size).containsExactly(10, 10);
        context.stop();
        assertThat(sink.attempts).extracting(List::size).containsExactly(10, 10, 5);
    }

    @Test
    void levelsBelowTheLoggerLevelNeverReachTheQueue() {
        Recorder sink = Recorder.ungated();
        TestSinkAppender appender = attach(sink, a -> {});
        logger.setLevel(Level.WARN);
        logger.info("filtered by the logger");
        assertThat(appender.getStats().getAppended()).isZero();
    }
}
