package dev.sluice.bench.redis;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.Producers;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.redis.RedisAppender;

/**
 * Sluice end to end: a fresh {@link LoggerContext} whose root logger has one {@link RedisAppender} with its default
 * settings (target {@code BOTH}, batches of up to 256 in one Lua script call ({@code bench.batchCommand} may say
 * {@code PIPELINE}), queue of 8192, TTLs renewed once per key and
 * batch) except {@code overflowPolicy=BLOCK}, so that no event is dropped, a {@code maxLen} no run reaches, so that
 * the streams can be counted, a channel prefix of the run's own, and {@code contextKey=jobId}, the shape's context.
 * Per event Redis gets a PUBLISH and an {@code XADD MAXLEN ~} on the event's context channel and on the global one.
 *
 * <p>The clock runs from the first log call until Redis's global stream holds every event ({@code XLEN}); the context
 * streams, the PUBLISH and XADD counts of {@code INFO commandstats} and the appender's counters are checked after.
 */
final class SluiceRun {

    /** Trims nothing in any run, yet sends the same {@code XADD key MAXLEN ~ n * data payload} as by default. */
    static final long UNREACHED_MAX_LEN = 1_000_000_000L;

    /** The worker connects in the background; the clock starts once it has. */
    private static final long CONNECT_TIMEOUT_SECONDS = 30;

    private SluiceRun() {}

    static Result run(PrivateRedis redis, String prefix, long events, int threads, int contexts) throws Exception {
        redis.reset();
        LoggerContext context = BenchContexts.create(RedisBench.CONTEXT_NAME);
        try {
            RedisAppender appender = new RedisAppender();
            appender.setContext(context);
            appender.setName("REDIS");
            appender.setUri(redis.uri());
            appender.setOverflowPolicy("BLOCK");
            appender.setMaxLen(UNREACHED_MAX_LEN);
            appender.setChannelPrefix(prefix);
            appender.setContextKey(RedisEventShape.MDC_CONTEXT);
            appender.setBatchCommand(System.getProperty("bench.batchCommand", RedisAppender.DEFAULT_BATCH_COMMAND));
            Logger logger = BenchContexts.attach(context, appender);
            AppenderStatsMXBean stats = appender.getStats();
            BenchContexts.awaitConnected(stats, context, CONNECT_TIMEOUT_SECONDS);

            String globalStream = "stream:" + prefix + ":" + RedisAppender.DEFAULT_GLOBAL_CHANNEL;
            long start = Producers.logAll(logger, events, threads, RedisEventShape.withContexts(contexts));
            PrivateRedis.Arrival arrival =
                    redis.awaitCount(() -> redis.xlen(globalStream), events, RedisBench.STALL_NANOS);
            long nanos = arrival.nanoTime() - start;

            context.stop(); // drains: the last batch's EXPIREs and replies
            CommandStats commands = redis.commandStats();
            long inContextStreams = redis.xlenOfAll("stream:" + prefix + ":" + RedisEventShape.contextIdGlob());
            if (arrival.count() != events
                    || inContextStreams != events
                    || commands.calls("publish") != 2 * events
                    || commands.calls("xadd") != 2 * events
                    || stats.getDelivered() != events
                    || stats.getDropped() != 0) {
                throw new IllegalStateException("Sluice lost events: logged " + events + ", global stream "
                        + redis.xlen(globalStream) + ", context streams " + inContextStreams + ", commands "
                        + commands.writes() + "; " + stats + "; " + BenchContexts.statuses(context));
            }
            return new Result(
                    events,
                    Result.perSecond(events, nanos),
                    (double) commands.writeCalls() / events,
                    (double) commands.writeMicros() / events,
                    (double) stats.getDelivered() / stats.getBatches(),
                    redis.firstStreamPayload(globalStream, "data"),
                    "");
        } finally {
            context.stop();
        }
    }
}
