package dev.sluice.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.MDC;

/**
 * The seed's stress workload: threads {@code stress-0..n-1}, each with the MDC entry {@code worker=w<t>}, started
 * together, each logging its events in order.
 */
final class StressWorkload {

    /** Logs event {@code i} of the worker named {@code worker}, on that worker's thread. */
    interface EventLogger {
        void log(String worker, int i);
    }

    private StressWorkload() {}

    /** Runs the workload and returns when every thread has logged its last event. */
    static void run(int threads, int eventsPerThread, EventLogger body) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String worker = "w" + t;
            started.add(new Thread(
                    () -> {
                        MDC.put("worker", worker);
                        try {
                            go.await();
                            for (int i = 0; i < eventsPerThread; i++) {
                                body.log(worker, i);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            MDC.clear();
                        }
                    },
                    "stress-" + t));
        }
        started.forEach(Thread::start);
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
    }
}
