package dev.sluice.core;

import static dev.sluice.core.CoreTestSupport.assertNoErrors;
import static dev.sluice.core.CoreTestSupport.configure;
import static dev.sluice.core.CoreTestSupport.newContext;
import static dev.sluice.core.CoreTestSupport.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SluiceAsyncAppenderTest {

    private static final int THREADS = 20;
    private static final int EVENTS_PER_THREAD = 1000;

    private final LoggerContext context = newContext("async-test");

    @AfterEach
    void stopContext() {
        context.stop();
    }

    /** A child appender that records what reaches it; only the async worker calls it. */
    static final class ListChild extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }
    }

    private SluiceAsyncAppender asyncOver(ch.qos.logback.core.Appender<ILoggingEvent> child, String policy, int queue) {
        return CoreTestSupport.asyncOver(context, child, async -> {
            async.setOverflowPolicy(policy);
            async.setQueueSize(queue);
            async.setBatchSize(Math.min(queue, AsyncBatchAppenderBase.DEFAULT_BATCH_SIZE));
        });
    }

    /** The seed's stress test: 20 threads x 1000 events, each thread's events in its own order. */
    private void logFromManyThreads() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(new Thread(
                    () -> {
                        Logger logger = context.getLogger("stress");
                        MDC.put("worker", "w" + thread);
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                            logger.atInfo().addKeyValue("seq", i).log("thread {} event {}", thread, i);
                        }
                        MDC.clear();
                    },
                    "stress-" + t));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /**
     * Checks that each thread's events arrive in the order it logged them: with {@code gapless}, exactly 0, 1, 2...;
     * without, increasing (events dropped under DROP leave gaps).
     */
    private static void assertPerThreadOrder(List<ILoggingEvent> events, boolean gapless) {
        Map<String, Integer> next = new HashMap<>();
        for (ILoggingEvent event : events) {
            String worker = event.getMDCPropertyMap().get("worker");
            int seq = (Integer) event.getKeyValuePairs().get(0).value;
            assertThat(event.getThreadName()).isEqualTo("stress-" + worker.substring(1));
            int expected = next.getOrDefault(worker, 0);
            if (gapless) {
                assertThat(seq).as("order of %s", worker).isEqualTo(expected);
            } else {
                assertThat(seq).as("order of %s", worker).isGreaterThanOrEqualTo(expected);
            }
            next.put(worker, seq + 1);
        }
    }

    @Test
    void stressDeliversAll20000EventsExactlyOnceInPerThreadOrder() throws Exception {
        ListChild child = new ListChild();
        SluiceAsyncAppender async = asyncOver(child, "BLOCK", 1024);
        logFromManyThreads();
        AppenderStatsMXBean stats = async.getStats();
        await().until(() -> stats.getDelivered() == THREADS * EVENTS_PER_THREAD);
        assertThat(child.events).hasSize(THREADS * EVENTS_PER_THREAD);
        Map<String, Integer> counts = new HashMap<>();
        for (ILoggingEvent event : child.events) {
            counts.merge(event.getFormattedMessage(), 1, Integer::sum);
        }
        assertThat(counts)
                .hasSize(THREADS * EVENTS_PER_THREAD)
                .allSatisfy((message, n) -> assertThat(n).isEqualTo(1));
        assertPerThreadOrder(child.events, true);
        assertThat(stats.getDropped()).isZero();
        assertNoErrors(context);
    }

    @Test
    void stressUnderDropPolicyAccountsForEveryEventAndKeepsOrder() throws Exception {
        ListChild child = new ListChild();
        SluiceAsyncAppender async = asyncOver(child, "DROP", 64);
        logFromManyThreads();
        AppenderStatsMXBean stats = async.getStats();
        await().until(() -> stats.getDelivered() + stats.getDropped() == THREADS * EVENTS_PER_THREAD);
        assertThat(stats.getAppended()).isEqualTo(THREADS * EVENTS_PER_THREAD);
        assertThat(stats.getDropped()).isEqualTo(stats.getDroppedQueueFull());
        assertThat(child.events).hasSize((int) stats.getDelivered());
        assertPerThreadOrder(child.events, false);
    }

    @Test
    void flushesBufferingChildrenOncePerBatchInsteadOfPerEvent() {
        AtomicLong flushes = new AtomicLong();
        OutputStreamAppender<ILoggingEvent> child = new OutputStreamAppender<>();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        child.setEncoder(encoder);
        child.setOutputStream(new OutputStream() {
            @Override
            public void write(int b) {}

            @Override
            public void write(byte[] b, int off, int len) {}

            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        });
        SluiceAsyncAppender async = asyncOver(child, "BLOCK", 1024);
        assertThat(child.isImmediateFlush()).isFalse();
        assertThat(statuses(context, Status.INFO, "flushes \\[child\\] at the end of each batch"))
                .hasSize(1);
        Logger logger = context.getLogger("app");
        for (int i = 0; i < 5000; i++) {
            logger.info("event {}", i);
        }
        AppenderStatsMXBean stats = async.getStats();
        await().until(() -> stats.getDelivered() == 5000);
        assertThat(flushes.get()).isEqualTo(stats.getBatches());
    }

    @Test
    void configuredFromLogbackXmlWithEverySettingAndAFileChild(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.log");
        configure(context, """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%thread %%msg%%n</pattern></encoder>
                  </appender>
                  <appender name="ASYNC" class="dev.sluice.core.SluiceAsyncAppender">
                    <queueSize>2048</queueSize>
                    <batchSize>128</batchSize>
                    <maxBatchDelay>5 millis</maxBatchDelay>
                    <overflowPolicy>block</overflowPolicy>
                    <appendTimeout>2 seconds</appendTimeout>
                    <shutdownGracePeriod>30 seconds</shutdownGracePeriod>
                    <retryInitialDelay>50 millis</retryInitialDelay>
                    <retryMaxDelay>10 seconds</retryMaxDelay>
                    <retryJitter>0.5</retryJitter>
                    <discardingThreshold>16</discardingThreshold>
                    <discardableLevel>DEBUG</discardableLevel>
                    <droppedWarnFrequency>100</droppedWarnFrequency>
                    <includeCallerData>true</includeCallerData>
                    <jmx>false</jmx>
                    <excludedLoggerPrefixes>io.netty., reactor.</excludedLoggerPrefixes>
                    <excludedLoggerPrefix>com.rabbitmq.</excludedLoggerPrefix>
                    <flushAtBatchEnd>true</flushAtBatchEnd>
                    <appender-ref ref="FILE"/>
                  </appender>
                  <root level="INFO"><appender-ref ref="ASYNC"/></root>
                </configuration>
                """.formatted(file));
        assertNoErrors(context);
        SluiceAsyncAppender async =
                (SluiceAsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(2048);
        assertThat(async.getBatchSize()).isEqualTo(128);
        assertThat(async.getMaxBatchDelay().getMilliseconds()).isEqualTo(5);
        assertThat(async.getOverflowPolicy()).isEqualTo("block");
        assertThat(async.getAppendTimeout().getMilliseconds()).isEqualTo(2000);
        assertThat(async.getShutdownGracePeriod().getMilliseconds()).isEqualTo(30_000);
        assertThat(async.getRetryInitialDelay().getMilliseconds()).isEqualTo(50);
        assertThat(async.getRetryMaxDelay().getMilliseconds()).isEqualTo(10_000);
        assertThat(async.getRetryJitter()).isEqualTo(0.5);
        assertThat(async.getDiscardingThreshold()).isEqualTo(16);
        assertThat(async.getDiscardableLevel()).isEqualTo("DEBUG");
        assertThat(async.getDroppedWarnFrequency()).isEqualTo(100);
        assertThat(async.isIncludeCallerData()).isTrue();
        assertThat(async.isJmx()).isFalse();
        assertThat(async.getExcludedLoggerPrefixes()).containsExactly("io.netty.", "reactor.", "com.rabbitmq.");
        assertThat(async.isFlushAtBatchEnd()).isTrue();

        Logger logger = context.getLogger("app");
        for (int i = 0; i < 1000; i++) {
            logger.info("line {}", i);
        }
        context.getLogger("io.netty.Channel").info("excluded");
        ch.qos.logback.core.Appender<ILoggingEvent> fileChild = async.getAppender("FILE");
        context.stop();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1000).startsWith("main line 0").endsWith("main line 999");
        assertThat(async.getStats().getDroppedFeedback()).isEqualTo(1);
        assertThat(fileChild.isStarted())
                .as("children are stopped with the async appender")
                .isFalse();
    }

    @Test
    void refusesToStartWithoutAnAppenderRef() {
        SluiceAsyncAppender async = new SluiceAsyncAppender();
        async.setContext(context);
        async.setName("lonely");
        async.start();
        assertThat(async.isStarted()).isFalse();
        assertThat(statuses(
                        context,
                        Status.ERROR,
                        "Appender \\[lonely\\] not started: it has no appender to deliver"
                                + " to; add <appender-ref ref=\"...\"/> inside <appender name=\"lonely\">"))
                .hasSize(1);
    }

    @Test
    void invalidXmlSettingsAreReportedAndTheAppenderIsNotStarted() throws Exception {
        configure(context, """
                <configuration>
                  <appender name="LIST" class="ch.qos.logback.core.read.ListAppender"/>
                  <appender name="ASYNC" class="dev.sluice.core.SluiceAsyncAppender">
                    <queueSize>-5</queueSize>
                    <overflowPolicy>wait</overflowPolicy>
                    <appender-ref ref="LIST"/>
                  </appender>
                  <root level="INFO"><appender-ref ref="ASYNC"/></root>
                </configuration>
                """);
        assertThat(statuses(
                        context,
                        Status.ERROR,
                        "Appender \\[ASYNC\\] not started: queueSize must be between 1 and 4194304"))
                .hasSize(1);
        assertThat(statuses(
                        context,
                        Status.ERROR,
                        "Appender \\[ASYNC\\] not started: overflowPolicy 'wait' is" + " unknown"))
                .hasSize(1);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME)
                        .getAppender("ASYNC")
                        .isStarted())
                .isFalse();
    }
}
