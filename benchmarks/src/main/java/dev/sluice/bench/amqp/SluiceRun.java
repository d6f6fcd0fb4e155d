package dev.sluice.bench.amqp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.amqp.AmqpAppender;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.EventShape;
import dev.sluice.bench.sqlite.Producers;
import dev.sluice.core.AppenderStatsMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Sluice end to end: a fresh {@link LoggerContext} whose root logger has one {@link AmqpAppender} with its defaults
 * (LogHive's topology: durable direct exchange {@code logs_exchange}, a durable queue {@code <service>_<level>_logs}
 * per level with a 7-day TTL and at most 1,000,000 messages; persistent, mandatory messages with publisher confirms,
 * at most {@code confirmWindow} unconfirmed per channel; the core's batches of up to 2048 events) except
 * {@code overflowPolicy=BLOCK}, so that no event is dropped, and what the run sets: {@code eventsPerMessage} (1, or
 * more for batched mode), {@code mandatory}, {@code channels}, {@code confirmWindow} and, if given,
 * {@code batchSize}. The service is the context's name,
 * {@value AmqpBench#CONTEXT_NAME}, which only the benchmark uses; its queues are deleted before and after the run.
 *
 * <p>The clock runs from the first log call until the appender's {@code delivered} count (confirmed by the broker)
 * reaches the total. Then the broker is asked: its queues must hold every event, counted per message (per-message
 * mode) or as the sum of the {@code x-sluice-events} headers of the messages taken out of them (batched mode).
 */
final class SluiceRun {

    /** The levels the appender declares a queue for (Logback's names): every one is deleted after the run. */
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

    private static final long CONNECT_TIMEOUT_SECONDS = 30;

    /** The appender's worker thread, which builds, publishes and awaits the confirms of each batch. */
    private static final String WORKER_PREFIX = "sluice-amqp-AMQP";

    private SluiceRun() {}

    /** The queues of the benchmark's service. */
    static List<String> queues() {
        return LEVELS.stream()
                .map(level -> AmqpBench.CONTEXT_NAME + "_" + level + "_logs")
                .toList();
    }

    /**
     * CPU time so far of the live threads whose name starts with {@code prefix}: the round line shows it per second of
     * the run, to tell a busy worker from one that waits.
     */
    private static long cpuNanos(String prefix) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix))
                .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId())))
                .sum();
    }

    /** CPU time so far of this JVM: producers, worker, the client's I/O thread, the benchmark's polling. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    static Result run(Broker broker, long events, int threads, AmqpBench.SluiceSettings settings) throws Exception {
        List<String> queues = queues();
        broker.deleteQueues(queues);
        LoggerContext context = BenchContexts.create(AmqpBench.CONTEXT_NAME);
        try {
            AmqpAppender appender = new AmqpAppender();
            appender.setContext(context);
            appender.setName("AMQP");
            appender.setUri(broker.uri());
            appender.setOverflowPolicy("BLOCK");
            appender.setMandatory(settings.mandatory());
            appender.setEventsPerMessage(settings.eventsPerMessage());
            appender.setChannels(settings.channels());
            appender.setConfirmWindow(settings.confirmWindow());
            if (settings.batchSize() > 0) {
                appender.setBatchSize(settings.batchSize());
            }
            Logger logger = BenchContexts.attach(context, appender);
            AppenderStatsMXBean stats = appender.getStats();
            BenchContexts.awaitConnected(stats, context, CONNECT_TIMEOUT_SECONDS);

            long workerBefore = cpuNanos(WORKER_PREFIX);
            long jvmBefore = processCpuNanos();
            long start = Producers.logAll(logger, events, threads, EventShape::log);
            Broker.Arrival arrival =
                    Broker.awaitCount(Broker.CountSource.of(stats::getDelivered), events, AmqpBench.STALL_NANOS);
            long nanos = arrival.nanoTime() - start;
            double workerBusy = (double) (cpuNanos(WORKER_PREFIX) - workerBefore) / nanos;
            double jvmBusy = (double) (processCpuNanos() - jvmBefore) / nanos;
            context.stop();

            long messages;
            long inQueues;
            double bodyBytes;
            if (settings.eventsPerMessage() == 1) {
                messages = broker.depth(queues);
                inQueues = messages;
                byte[] first = broker.peek(queues.get(2)); // info
                bodyBytes = first == null ? Double.NaN : first.length;
            } else {
                Broker.Drained drained = broker.drain(queues);
                messages = drained.messages();
                inQueues = drained.events();
                bodyBytes = (double) drained.bodyBytes() / Math.max(1, messages);
            }
            if (arrival.count() != events
                    || inQueues != events
                    || stats.getDelivered() != events
                    || stats.getDropped() != 0) {
                throw new IllegalStateException("Sluice lost events: logged " + events + ", delivered "
                        + arrival.count() + ", the queues hold " + inQueues + " in " + messages + " messages; "
                        + stats + "; " + BenchContexts.statuses(context));
            }
            return new Result(
                    events,
                    Result.perSecond(events, nanos),
                    messages,
                    bodyBytes,
                    String.format(
                            Locale.ROOT,
                            "(%.0f ev/batch, CPU: worker %.0f%%, JVM %.0f%%)",
                            (double) stats.getDelivered() / stats.getBatches(),
                            100 * workerBusy,
                            100 * jvmBusy));
        } finally {
            context.stop();
            broker.deleteQueues(queues);
        }
    }
}
