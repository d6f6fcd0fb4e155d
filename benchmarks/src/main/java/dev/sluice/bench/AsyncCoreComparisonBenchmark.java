package dev.sluice.bench;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.NopStatusListener;
import ch.qos.logback.core.util.Duration;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.SluiceAsyncAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Sluice's async core next to its two anchors in one run: Logback's {@code AsyncAppender} ({@code logback}) and
 * logstash-logback-encoder's {@code LoggingEventAsyncDisruptorAppender} ({@code lle}), each in front of the same
 * {@link CountingAppender} child.
 *
 * <h2>What is measured</h2>
 *
 * <ul>
 *   <li>The primary score is <b>calls/s</b>: how often {@code logger.info("msg {}", i)} returns, per second, summed
 *       over the calling threads ({@link #t1} runs one caller, {@link #t2} two).
 *   <li>The secondary score {@code delivered} is <b>delivered events/s</b>: the events the child received during the
 *       measurement window divided by the window time. This is the number that counts: an appender that drops
 *       returns quickly but delivers little, so a lossy appender cannot win on it. See {@link Delivered}.
 * </ul>
 *
 * <p>Both can differ within one iteration by the change in queue depth (at most {@value #CAPACITY} events). This
 * shows most under {@code block} with a slow consumer: Logback's worker takes the whole queue at once, so its
 * callers fill {@value #CAPACITY} slots in a burst and then wait, and its calls/s over a short window moves by up to
 * that burst. Delivered/s is the steady measure.
 *
 * <h2>Parameters</h2>
 *
 * <ul>
 *   <li>{@code impl}: {@code sluice}, {@code logback}, {@code lle}.
 *   <li>{@code child}: {@code noop} counts and does nothing else; {@code slow} is the same counting child that also
 *       pays {@value #SLOW_FLUSH_NANOS} ns (a {@code LockSupport.parkNanos}, plus the kernel's timer slack) per
 *       <em>flush</em>, standing for a file or socket flush.
 *   <li>{@code mode}: {@code drop} never makes the caller wait (Sluice {@code overflowPolicy=DROP}; Logback
 *       {@code neverBlock=true}; LLE {@code appendTimeout=0}); {@code block} makes the caller wait for room without a
 *       timeout (Sluice {@code BLOCK} with {@code appendTimeout=0}; Logback {@code neverBlock=false}; LLE
 *       {@code appendTimeout=-1}).
 * </ul>
 *
 * <p>All three hold {@value #CAPACITY} events (Sluice {@code queueSize}, Logback {@code queueSize}, LLE
 * {@code ringBufferSize}); Sluice keeps its default {@code batchSize} (everything queued, up to the queue size). Logback's level-based discarding is off
 * ({@code discardingThreshold=0}, as Sluice's default), no appender captures caller data, and Sluice's JMX is off.
 *
 * <h2>How each appender flushes the child</h2>
 *
 * <p>The child is {@link java.io.Flushable}, and each appender flushes it as it would flush a file appender:
 *
 * <ul>
 *   <li>Sluice flushes {@code Flushable} children once at the end of each batch ({@code flushAtBatchEnd=true}, its
 *       default), and a batch is everything queued when the worker wakes.
 *   <li>LLE 9.0's {@code DelegatingAsyncDisruptorAppender} flushes started {@code Flushable} children when the
 *       Disruptor signals {@code endOfBatch}; LLE sets no Disruptor batch limit, so one batch can be everything
 *       published so far, up to the whole ring.
 *   <li>Logback's {@code AsyncAppender} gives its child no end-of-batch hint, so the only durable set-up is a child
 *       that flushes after each event: this mirrors a {@code FileAppender} child with {@code immediateFlush=true}
 *       (Logback's default), which is what a Logback user gets for output that is on disk when the call has been
 *       delivered. Here the child flushes, and pays the flush cost, after every event.
 * </ul>
 *
 * <p>Each trial builds its own {@link LoggerContext} with a {@link NopStatusListener}, so appender warnings (LLE and
 * Sluice report drops) are recorded but not printed; every call logs a new event. The trial's tear-down stops the
 * context, which drains what is queued (each appender within its own shutdown limit), and prints one
 * {@code # trial} line with totals over the whole trial, warm-up included.
 *
 * <p>Run it with {@link CoreBench} ({@code scripts/bench core}), which prints the comparison table, or directly:
 * {@code java -jar benchmarks/target/benchmarks.jar AsyncCoreComparisonBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class AsyncCoreComparisonBenchmark {

    /** Queue or ring capacity of every appender under test. */
    public static final int CAPACITY = 8192;

    /** What the {@code slow} child pays per flush. */
    public static final long SLOW_FLUSH_NANOS = 50_000;

    @Param({"sluice", "logback", "lle"})
    public String impl;

    @Param({"noop", "slow"})
    public String child;

    @Param({"drop", "block"})
    public String mode;

    private LoggerContext context;
    private Logger logger;
    private CountingAppender counting;
    private Appender<ILoggingEvent> async;
    private final List<Caller> callers = new ArrayList<>();
    /** The child's count when the first thread ended the current iteration; -1 before. */
    private final AtomicLong windowEnd = new AtomicLong(-1);

    @Setup(Level.Trial)
    public void startTrial() {
        context = new LoggerContext();
        context.setName("bench-" + impl + "-" + child + "-" + mode);
        context.getStatusManager().add(new NopStatusListener());
        // A context built by hand has no MDC adapter until given one; events capture the MDC when queued.
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();

        boolean slow = switch (child) {
            case "noop" -> false;
            case "slow" -> true;
            default -> throw new IllegalArgumentException("child must be noop or slow, was " + child);
        };
        boolean block = switch (mode) {
            case "drop" -> false;
            case "block" -> true;
            default -> throw new IllegalArgumentException("mode must be drop or block, was " + mode);
        };
        // Only Logback's AsyncAppender has no batch end to flush at: its child flushes per event.
        counting = new CountingAppender(slow ? SLOW_FLUSH_NANOS : 0, impl.equals("logback"));
        counting.setContext(context);
        counting.setName("counting");
        counting.start();

        async = switch (impl) {
            case "sluice" -> sluice(block);
            case "logback" -> logback(block);
            case "lle" -> lle(block);
            default -> throw new IllegalArgumentException("impl must be sluice, logback or lle, was " + impl);
        };
        if (!async.isStarted()) {
            throw new IllegalStateException(
                    impl + " did not start: " + context.getStatusManager().getCopyOfStatusList());
        }

        logger = context.getLogger("bench");
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(async);
    }

    private Appender<ILoggingEvent> sluice(boolean block) {
        SluiceAsyncAppender appender = new SluiceAsyncAppender();
        appender.setContext(context);
        appender.setName("async");
        appender.setQueueSize(CAPACITY);
        appender.setOverflowPolicy(block ? "BLOCK" : "DROP");
        appender.setAppendTimeout(Duration.buildByMilliseconds(0)); // under BLOCK: wait until there is room
        appender.setIncludeCallerData(false);
        appender.setJmx(false);
        appender.addAppender(counting);
        appender.start();
        return appender;
    }

    private Appender<ILoggingEvent> logback(boolean block) {
        AsyncAppender appender = new AsyncAppender();
        appender.setContext(context);
        appender.setName("async");
        appender.setQueueSize(CAPACITY);
        appender.setDiscardingThreshold(0);
        appender.setNeverBlock(!block);
        appender.setIncludeCallerData(false);
        appender.addAppender(counting);
        appender.start();
        return appender;
    }

    private Appender<ILoggingEvent> lle(boolean block) {
        LoggingEventAsyncDisruptorAppender appender = new LoggingEventAsyncDisruptorAppender();
        appender.setContext(context);
        appender.setName("async");
        appender.setRingBufferSize(CAPACITY);
        appender.setAppendTimeout(Duration.buildByMilliseconds(block ? -1 : 0));
        appender.setIncludeCallerData(false);
        appender.setAddDefaultStatusListener(false);
        appender.addAppender(counting);
        appender.start();
        return appender;
    }

    @TearDown(Level.Trial)
    public void stopTrial() {
        long calls;
        synchronized (callers) {
            calls = callers.stream().mapToLong(caller -> caller.sequence).sum();
        }
        long stopStart = System.nanoTime();
        context.stop(); // stops the async appender, which drains its queue into the child
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
        long delivered = counting.delivered();
        long flushes = counting.flushes();
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "# trial %s/%s/%s: calls=%d delivered=%d (%.1f%%) flushes=%d",
                impl,
                child,
                mode,
                calls,
                delivered,
                calls == 0 ? 0.0 : 100.0 * delivered / calls,
                flushes));
        if (flushes > 0 && counting.flushNanos() > 0) {
            line.append(String.format(Locale.ROOT, " meanFlush=%.1fus", counting.flushNanos() / 1000.0 / flushes));
            line.append(String.format(Locale.ROOT, " eventsPerFlush=%.1f", (double) delivered / flushes));
        }
        line.append(" stop=").append(stopMillis).append("ms");
        if (async instanceof SluiceAsyncAppender sluice) {
            AppenderStatsMXBean stats = sluice.getStats();
            line.append(" sluiceStats[")
                    .append(stats)
                    .append(", batches=")
                    .append(stats.getBatches())
                    .append(']');
        }
        System.out.println(System.lineSeparator() + line);
        if (calls > 0 && delivered == 0) {
            // A broken set-up must fail the run, not report zero.
            throw new IllegalStateException(impl + " delivered nothing; status: "
                    + context.getStatusManager().getCopyOfStatusList());
        }
    }

    /** Per calling thread: the number logged with each call, so no two events are alike. */
    @State(Scope.Thread)
    public static class Caller {
        long sequence;

        @Setup(Level.Trial)
        public void register(AsyncCoreComparisonBenchmark bench) {
            synchronized (bench.callers) {
                bench.callers.add(this);
            }
        }
    }

    /**
     * Delivered events in the measurement window, reported as a rate. JMH divides an {@code OPERATIONS} counter by
     * the measured time of the thread that reports it and sums the threads' rates. The child's count is one for the
     * whole appender, so only the caller with thread index 0 reports it (the others report 0): the child's count
     * when that thread's measured loop ended minus its count when the loop began. That is what the consumer really
     * delivered in the same window JMH times for thread 0; it can differ from what was accepted in the window only
     * by the change in queue depth, at most {@value #CAPACITY} events per iteration.
     *
     * <p>Thread 0 reads the child's count at the start of each call and uses JMH's {@link Control} flags to find
     * its first measured call and its first call after measurement stopped (JMH keeps calling while other threads
     * finish; under {@code block} another thread can stay blocked for a long time, and counting until it returns
     * would inflate the rate). If thread 0 finished last, there is no such call and the end is read by the first
     * thread to reach its iteration tear-down, which is right after thread 0's loop and before any thread can run
     * the trial tear-down, whose {@code stop()} drains the queue into the child.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        /** Events the child received during this iteration's window (thread 0 only); JMH reports it per second. */
        public long delivered;

        private CountingAppender counting;
        private boolean reporter;
        private long atStart;
        private long atEnd;

        @Setup(Level.Iteration)
        public void open(AsyncCoreComparisonBenchmark bench, ThreadParams threads) {
            counting = bench.counting;
            reporter = threads.getThreadIndex() == 0;
            delivered = 0;
            atStart = -1;
            atEnd = -1;
            if (reporter) {
                // Every thread runs this set-up before any thread's window opens, and before any tear-down.
                bench.windowEnd.set(-1);
            }
        }

        /** Called at the start of each call, before the event is logged. */
        void beforeCall(Control control) {
            if (reporter) {
                if (atStart < 0) {
                    if (control.startMeasurement) {
                        atStart = counting.delivered();
                    }
                } else if (atEnd < 0 && control.stopMeasurement) {
                    atEnd = counting.delivered();
                }
            }
        }

        @TearDown(Level.Iteration)
        public void close(AsyncCoreComparisonBenchmark bench) {
            bench.windowEnd.compareAndSet(-1, counting.delivered());
            if (reporter && atStart >= 0) {
                delivered = (atEnd >= 0 ? atEnd : bench.windowEnd.get()) - atStart;
            } else {
                delivered = 0;
            }
        }
    }

    /** One calling thread. */
    @Benchmark
    @Threads(1)
    public void t1(Caller caller, Delivered delivered, Control control) {
        delivered.beforeCall(control);
        logger.info("msg {}", caller.sequence++);
    }

    /** Two calling threads. */
    @Benchmark
    @Threads(2)
    public void t2(Caller caller, Delivered delivered, Control control) {
        delivered.beforeCall(control);
        logger.info("msg {}", caller.sequence++);
    }
}
