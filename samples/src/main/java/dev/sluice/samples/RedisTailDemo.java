package dev.sluice.samples;

import ch.qos.logback.classic.LoggerContext;
import dev.sluice.redis.LogEntry;
import dev.sluice.redis.RedisAppender;
import dev.sluice.redis.RedisLogReader;
import java.io.PrintStream;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Redis demo ({@code scripts/demo redis}): two jobs log at once through {@link RedisAppender}
 * ({@code logback-redis-demo.xml}), each with its {@code jobId} in the MDC, while a {@link RedisLogReader} tails job
 * A's stream live and prints what arrives: job A's events, in order, and none of job B's.
 */
public final class RedisTailDemo {

    static final int EVENTS_PER_JOB = 200;

    private RedisTailDemo() {}

    public static void main(String[] args) throws Exception {
        String uri = System.getProperty("sluice.demo.redis", "redis://127.0.0.1:6379");
        System.exit(run(uri, System.out) ? 0 : 1);
    }

    /** Runs both jobs and the tail; true when the tail saw exactly job A's events in order. */
    static boolean run(String uri, PrintStream out) throws Exception {
        // A fresh prefix per run, so the tail starts from an empty stream.
        String prefix = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        System.setProperty("sluice.demo.redis", uri);
        System.setProperty("sluice.demo.redisPrefix", prefix);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-redis-demo.xml");
        RedisAppender appender =
                (RedisAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("REDIS");

        List<String> tailed = new CopyOnWriteArrayList<>();
        CountDownLatch allTailed = new CountDownLatch(EVENTS_PER_JOB);
        try (RedisLogReader reader = RedisLogReader.connect(uri, prefix, "global", 64)) {
            String channel = reader.contextChannel("job-a");
            out.printf(
                    "Sluice Redis demo: tailing %s (stream %s) while job-a and job-b log%n",
                    channel, "stream:" + channel);
            try (AutoCloseable tail = reader.follow(channel, "0", entry -> {
                show(out, entry, tailed);
                allTailed.countDown();
            })) {
                Thread jobB = new Thread(() -> logJob("job-b"), "job-b");
                jobB.start();
                logJob("job-a");
                jobB.join();
                allTailed.await(30, TimeUnit.SECONDS);
            }
        }
        context.stop();
        List<String> expected = IntStream.range(0, EVENTS_PER_JOB)
                .mapToObj(i -> "job-a step " + i)
                .toList();
        boolean ok = tailed.equals(expected) && appender.getStats().getDropped() == 0;
        out.printf(
                "tailed %d events of job-a, in order: %s; delivered %,d events to Redis, dropped %d%n",
                tailed.size(),
                tailed.equals(expected),
                appender.getStats().getDelivered(),
                appender.getStats().getDropped());
        out.println(ok ? "RESULT ok: the tail saw exactly job-a's events, in order" : "RESULT FAILED");
        return ok;
    }

    private static void show(PrintStream out, LogEntry entry, List<String> tailed) {
        String message = entry.event().getFormattedMessage();
        tailed.add(message);
        if (tailed.size() <= 3 || tailed.size() == EVENTS_PER_JOB) {
            out.printf("  %s  %s%n", entry.id(), message);
        } else if (tailed.size() == 4) {
            out.println("  ...");
        }
    }

    private static void logJob(String job) {
        Logger logger = LoggerFactory.getLogger("demo.jobs");
        MDC.put("jobId", job);
        try {
            for (int i = 0; i < EVENTS_PER_JOB; i++) {
                logger.info("{} step {}", job, i);
            }
        } finally {
            MDC.remove("jobId");
        }
    }
}
