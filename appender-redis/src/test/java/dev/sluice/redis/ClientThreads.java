package dev.sluice.redis;

import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The threads an appender's Redis client runs (Lettuce's event loops and timer, the worker), so a test can check
 * that stopping the appender ends them all. Threads that ran before the snapshot are not the appender's.
 */
final class ClientThreads {

    private final Set<Thread> before;

    private ClientThreads(Set<Thread> before) {
        this.before = before;
    }

    /** Taken before the appender starts, while no other Lettuce client of the test runs. */
    static ClientThreads snapshot() {
        return new ClientThreads(Set.copyOf(Thread.getAllStackTraces().keySet()));
    }

    /** The client's threads started since the snapshot and still alive. */
    List<String> started() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> name.startsWith("lettuce-") || name.startsWith("sluice-redis-"))
                .sorted()
                .toList();
    }

    /** Waits until every such thread has ended; fails naming those left. */
    void awaitAllEnded() {
        await("Lettuce and worker threads to end after stop")
                .atMost(30, TimeUnit.SECONDS)
                .until(this::started, List::isEmpty);
    }
}
