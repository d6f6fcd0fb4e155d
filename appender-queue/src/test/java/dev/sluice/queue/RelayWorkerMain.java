package dev.sluice.queue;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.core.AppenderStatsMXBean;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.LoggerFactory;

/**
 * A worker JVM that {@link RelayWorkersIT} starts: {@code RelayWorkerMain <name> <count>} makes itself a worker of the
 * server its parent passed down ({@link Relay#configureWorker}), logs {@code count} events {@code "<name> e<i>"} on
 * logger {@code app.<name>} from one thread, waits until each is counted as delivered or dropped, prints its counters
 * on one {@value #COUNTERS} line and exits {@value #ALL_DELIVERED} (all delivered), {@value #SOME_DROPPED} (some
 * dropped) or {@value #TIMED_OUT} (not all counted in time).
 */
public final class RelayWorkerMain {

    static final String COUNTERS = "relay-worker-counters";
    static final int ALL_DELIVERED = 0;
    static final int SOME_DROPPED = 1;
    static final int TIMED_OUT = 2;

    /** Longer than any server outage the tests make; the tests' own timeouts end a stuck run first. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private RelayWorkerMain() {}

    public static void main(String[] args) {
        String name = args[0];
        long count = Long.parseLong(args[1]);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        AppenderStatsMXBean stats = Relay.configureWorker(context).getStats();
        Logger logger = context.getLogger("app." + name);
        int status;
        try {
            for (long i = 0; i < count; i++) {
                awaitRoom(stats);
                logger.info("{} e{}", name, i);
            }
            await().atMost(PATIENCE).until(() -> stats.getDelivered() + stats.getDropped() == count);
            status = stats.getDropped() == 0 ? ALL_DELIVERED : SOME_DROPPED;
        } catch (ConditionTimeoutException e) {
            status = TIMED_OUT;
        }
        System.out.printf(
                "%s name=%s appended=%d delivered=%d dropped=%d unconfirmed=%d failedAttempts=%d retries=%d%n",
                COUNTERS,
                name,
                stats.getAppended(),
                stats.getDelivered(),
                stats.getDropped(),
                stats.getUnconfirmed(),
                stats.getFailedAttempts(),
                stats.getRetries());
        context.stop();
        System.exit(status);
    }

    /**
     * The appender drops when its queue is full (the default policy, which {@code configureWorker} keeps); this one
     * logging thread waits for room instead, so that what the counters show is the relay's doing, not the queue's.
     */
    private static void awaitRoom(AppenderStatsMXBean stats) {
        if (stats.getQueueDepth() >= stats.getQueueCapacity()) {
            await().atMost(PATIENCE)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> stats.getQueueDepth() < stats.getQueueCapacity());
        }
    }
}
