package dev.sluice.bench.redis;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.Producers;
import java.util.Locale;

/**
 * The peer a user finds today: {@code com.cwbase:logback-redis-appender}'s {@code RedisAppender}, which RPUSHes each
 * event to one list from a Jedis pool that PINGs every connection it lends ({@code testOnBorrow}), on the calling
 * thread. Its README has users wrap it in Logback's {@link AsyncAppender} to keep Redis off the application's
 * threads, and so does this run, with the defaults (queue of 256, {@code neverBlock=false}) except
 * {@code discardingThreshold=0}: by default it would discard INFO events once the queue is 80% full, and the
 * comparison is of events delivered. Its layout is {@link CanonicalJsonLayout}, so it sends Sluice's payload.
 *
 * <p>The clock runs from the first log call until the list holds every event ({@code LLEN}). The appender prints and
 * forgets an event it failed to push: if the list stops growing short of the total for
 * {@link RedisBench#STALL_NANOS}, the run counts what arrived, until it last grew, and says so.
 */
final class CwbaseRun {

    private CwbaseRun() {}

    static Result run(PrivateRedis redis, String prefix, long events, int threads, int contexts) throws Exception {
        redis.reset();
        String key = prefix + ":list";
        LoggerContext context = BenchContexts.create(RedisBench.CONTEXT_NAME);
        try {
            CanonicalJsonLayout layout = CanonicalJsonLayout.started(context);
            com.cwbase.logback.RedisAppender redisAppender = new com.cwbase.logback.RedisAppender();
            redisAppender.setContext(context);
            redisAppender.setName("CWBASE");
            redisAppender.setHost("127.0.0.1");
            redisAppender.setPort(redis.port());
            redisAppender.setKey(key);
            redisAppender.setLayout(layout);
            redisAppender.start();
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName("ASYNC");
            async.setDiscardingThreshold(0);
            async.addAppender(redisAppender);
            Logger logger = BenchContexts.attach(context, async);

            long start = Producers.logAll(logger, events, threads, RedisEventShape.withContexts(contexts));
            PrivateRedis.Arrival arrival = redis.awaitCount(() -> redis.llen(key), events, RedisBench.STALL_NANOS);
            long nanos = arrival.nanoTime() - start;
            CommandStats commands = redis.commandStats();
            if (arrival.count() != events) {
                System.out.printf(
                        Locale.ROOT,
                        "# warning: cwbase delivered %d of %d events (rpush calls %d); events/s counts those%n",
                        arrival.count(),
                        events,
                        commands.calls("rpush"));
            }
            return new Result(
                    arrival.count(),
                    Result.perSecond(arrival.count(), nanos),
                    (double) commands.writeCalls() / Math.max(1, arrival.count()),
                    (double) commands.writeMicros() / Math.max(1, arrival.count()),
                    1,
                    redis.firstListPayload(key),
                    "");
        } finally {
            context.stop();
        }
    }
}
