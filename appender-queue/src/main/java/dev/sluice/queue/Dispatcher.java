package dev.sluice.queue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded hand-off between the connections' readers and the central context: readers block when it is full, so
 * a flood stops being read (the workers feel it) instead of growing memory; one thread dispatches in order, through
 * the central context's loggers, so that the central configuration decides levels, filters and appenders.
 */
final class Dispatcher {

    /** An event read from a connection, or null for one that was refused (its sequence number is still acked). */
    record Handoff(ILoggingEvent event, RelayConnection from, long sequence) {}

    private static final Object STOP = new Object();

    /** The most events taken from the hand-off at once. */
    private static final int DRAIN = 1024;

    private static final long REMEMBER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_REMEMBERED = 4096;
    private static final int MAX_REMEMBERED_NAME = 256;

    private final LoggerContext context;
    private final ArrayBlockingQueue<Object> queue;
    private final Thread thread;
    private final LongAdder dispatched = new LongAdder();

    /**
     * The logger that serves each name from the wire, remembered for at most {@link #REMEMBER_NANOS} (a logger the
     * central process creates later may serve a name then), and for at most {@link #MAX_REMEMBERED} names of at most
     * {@link #MAX_REMEMBERED_NAME} characters (they are untrusted). Only the dispatcher thread uses it.
     */
    private final Map<String, Logger> servingLoggers = new HashMap<>();

    private long forgetAt = System.nanoTime();
    private final RelayServer server;
    private volatile boolean stopped;

    Dispatcher(LoggerContext context, int capacity, RelayServer server) {
        this.context = context;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.server = server;
        this.thread = new Thread(this::run, "sluice-relay-dispatcher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Hands off, blocking while the hand-off is full (the connection stops being read); false, without handing off,
     * once {@link #stop} began: the server's connections are closed, and the workers resend what they read.
     */
    boolean put(Handoff handoff) throws InterruptedException {
        while (!stopped) {
            if (queue.offer(handoff, 100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    long dispatched() {
        return dispatched.sum();
    }

    int depth() {
        return queue.size();
    }

    /**
     * Dispatches what was handed off, within {@code timeoutMillis}, then ends the thread; interrupts it if dispatch
     * is stuck (in an appender) longer, rather than wait for room in a full hand-off.
     */
    void stop(long timeoutMillis) throws InterruptedException {
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (queue.offer(STOP, timeoutMillis, TimeUnit.MILLISECONDS)) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        thread.interrupt();
    }

    private void run() {
        List<Object> batch = new ArrayList<>(DRAIN);
        List<RelayConnection> touched = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, DRAIN - 1); // one lock for many events
            forgetServingLoggersWhenDue();
            for (Object next : batch) {
                if (next == STOP) {
                    stopping = true;
                    continue;
                }
                Handoff handoff = (Handoff) next;
                if (handoff.event() != null) {
                    dispatch(handoff.event());
                }
                handoff.from().dispatched(handoff.sequence());
                if (!touched.contains(handoff.from())) {
                    touched.add(handoff.from());
                }
            }
            touched.forEach(RelayConnection::drained);
            touched.clear();
            batch.clear();
        }
    }

    /**
     * The central logger of that name if it exists, else its nearest existing ancestor, which has the same effective
     * level and appenders: names from the wire never create loggers, which Logback never removes.
     */
    private Logger nearestExisting(String name) {
        String current = name == null ? Logger.ROOT_LOGGER_NAME : name;
        while (true) {
            Logger logger = context.exists(current);
            if (logger != null) {
                return logger;
            }
            int dot = Math.max(current.lastIndexOf('.'), current.lastIndexOf('$'));
            if (dot <= 0) {
                return context.getLogger(Logger.ROOT_LOGGER_NAME);
            }
            current = current.substring(0, dot);
        }
    }

    private void forgetServingLoggersWhenDue() {
        long now = System.nanoTime();
        if (now - forgetAt >= 0 || servingLoggers.size() >= MAX_REMEMBERED) {
            servingLoggers.clear();
            forgetAt = now + REMEMBER_NANOS;
        }
    }

    private Logger servingLogger(String name) {
        Logger logger = servingLoggers.get(name);
        if (logger == null) {
            logger = nearestExisting(name);
            if (name == null || name.length() <= MAX_REMEMBERED_NAME) {
                servingLoggers.put(name, logger); // a hostile long name is looked up each time instead
            }
        }
        return logger;
    }

    private void dispatch(ILoggingEvent event) {
        try {
            Logger logger = servingLogger(event.getLoggerName());
            if (logger.isEnabledFor(event.getLevel())) {
                logger.callAppenders(event);
            }
            dispatched.increment();
        } catch (RuntimeException | LinkageError e) {
            server.dispatchFailed(event, e);
        }
    }
}
