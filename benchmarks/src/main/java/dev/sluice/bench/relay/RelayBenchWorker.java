package dev.sluice.bench.relay;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SocketAppender;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.util.Duration;
import dev.sluice.bench.sqlite.EventShape;
import dev.sluice.queue.RelayAppender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * One worker JVM of the relay benchmark: {@code <impl> <address> <events> <name> <warm-up seconds>}, where impl is
 * {@code sluice} (a
 * {@link RelayAppender} to the address, {@code overflowPolicy=BLOCK}) or {@code logback} (Logback's
 * {@link SocketAppender} to {@code 127.0.0.1:<port>}, with a queue and an event delay limit that make it wait rather
 * than drop). It logs for the warm-up seconds (so that the JIT has compiled the path before the clock runs), prints
 * {@code ready <events logged>}, waits for {@code go} on its standard input, logs its events (the benchmarks' {@link EventShape}) on
 * one thread, then waits for the parent to close its input and stops.
 */
public final class RelayBenchWorker {

    static final String READY = "ready";
    static final String GO = "go";
    /** Queue size of both appenders: the same room for both. */
    static final int QUEUE_SIZE = 8192;

    private RelayBenchWorker() {}

    public static void main(String[] args) throws Exception {
        String impl = args[0];
        String address = args[1];
        long events = Long.parseLong(args[2]);
        String name = args[3];
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Appender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                impl.equals("sluice") ? sluice(context, address, name) : logback(context, address);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        Logger logger = context.getLogger(EventShape.LOGGER);
        long warmup = 0;
        for (long start = System.nanoTime(); System.nanoTime() - start < warmupNanos; warmup++) {
            EventShape.log(logger, warmup); // the parent waits until the central process has these from every worker
        }

        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println(READY + " " + warmup);
        System.out.flush();
        if (!GO.equals(input.readLine())) {
            return;
        }
        for (long i = 0; i < events; i++) {
            EventShape.log(logger, i);
        }
        System.out.println("logged " + events);
        System.out.flush();
        input.readLine(); // the parent closes our input once it has counted everything (or given up)
        context.stop();
    }

    private static RelayAppender sluice(LoggerContext context, String address, String name) {
        RelayAppender appender = new RelayAppender();
        appender.setContext(context);
        appender.setName("RELAY");
        appender.setAddress(address);
        appender.setProcessName(name);
        appender.setQueueSize(QUEUE_SIZE);
        appender.setOverflowPolicy("BLOCK");
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException(
                    "relay appender not started: " + context.getStatusManager().getCopyOfStatusList());
        }
        return appender;
    }

    private static SocketAppender logback(LoggerContext context, String address) {
        SocketAppender appender = new SocketAppender();
        appender.setContext(context);
        appender.setName("SOCKET");
        appender.setRemoteHost("127.0.0.1");
        appender.setPort(Integer.parseInt(address));
        appender.setQueueSize(QUEUE_SIZE);
        appender.setEventDelayLimit(Duration.buildByMilliseconds(TimeUnit.MINUTES.toMillis(10)));
        appender.setReconnectionDelay(Duration.buildByMilliseconds(100));
        appender.start();
        return appender;
    }
}
