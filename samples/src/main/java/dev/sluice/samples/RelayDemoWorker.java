package dev.sluice.samples;

import ch.qos.logback.classic.LoggerContext;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.queue.RelayAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A worker JVM of the relay demo ({@code RelayDemoWorker <name> <events>}): configured by
 * {@code logback-relay-worker.xml}, it logs {@code "<name> event <i>"} with MDC {@code worker=<name>}, stops its
 * context (which waits until the central process has acknowledged the events), prints its counters and exits 0 when
 * every event was delivered.
 */
public final class RelayDemoWorker {

    private RelayDemoWorker() {}

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int events = Integer.parseInt(args[1]);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-relay-worker.xml");
        RelayAppender appender =
                (RelayAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("RELAY");

        Logger logger = LoggerFactory.getLogger("demo.relay");
        MDC.put("worker", name);
        for (int i = 0; i < events; i++) {
            logger.info("{} event {}", name, i);
        }
        context.stop(); // delivers what is queued or unacknowledged within shutdownGracePeriod
        AppenderStatsMXBean stats = appender.getStats();
        System.out.printf(
                "  %s (pid %d): logged %,d, delivered %,d, dropped %,d%n",
                name, ProcessHandle.current().pid(), stats.getAppended(), stats.getDelivered(), stats.getDropped());
        System.exit(stats.getDelivered() == events && stats.getDropped() == 0 ? 0 : 1);
    }
}
