package dev.sluice.sqlite;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link SqliteCrashIT} and {@link SqliteMultiProcessIT}: one SqliteAppender configured from a
 * {@code logback.xml} string in its own context, logging the numbers 0, 1, 2, ... as messages. It talks to the test
 * through stdout lines with a keyword first, and exits when its stdin closes (the test has gone).
 *
 * <ul>
 *   <li>{@code crash <db>}: logs forever under BLOCK, printing {@code DELIVERED <n>} whenever the delivered count
 *       (counted after each commit) changes, until it is killed.
 *   <li>{@code write <db> <service> <events> <busyTimeout>}: prints {@code READY}, waits for a {@code GO} line, logs
 *       the events under BLOCK, stops its context (which delivers what is queued) and prints {@code STATS} with its
 *       counters, then exits.
 * </ul>
 */
public final class SqliteWriterMain {

    private SqliteWriterMain() {}

    public static void main(String[] args) throws IOException {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path db = Path.of(args[1]);
        LogbackTestContext logback = new LogbackTestContext("sqlite-writer");
        LoggerContext context = logback.context();
        switch (args[0]) {
            case "crash" -> {
                exitWhenStdinCloses(stdin);
                logForever(logback, configure(logback, db, "", "5 seconds"));
            }
            case "write" -> {
                SqliteAppender appender = configure(logback, db, args[2], args[4]);
                say("READY");
                if (!"GO".equals(stdin.readLine())) {
                    System.exit(2);
                }
                exitWhenStdinCloses(stdin);
                Logger logger = logback.logger("writer");
                int events = Integer.parseInt(args[3]);
                for (int i = 0; i < events; i++) {
                    logger.info("{}", i);
                }
                logback.close();
                AppenderStatsMXBean stats = appender.getStats();
                System.err.println(StatusAssertions.describe(context));
                say("STATS delivered=" + stats.getDelivered() + " dropped=" + stats.getDropped() + " failedAttempts="
                        + stats.getFailedAttempts() + " retries=" + stats.getRetries());
                System.exit(0);
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static SqliteAppender configure(LogbackTestContext logback, Path db, String service, String busyTimeout) {
        logback.configure("<configuration>"
                + "<appender name='SQLITE' class='dev.sluice.sqlite.SqliteAppender'>"
                + "<path>" + db + "</path>"
                + "<service>" + service + "</service>"
                + "<busyTimeout>" + busyTimeout + "</busyTimeout>"
                + "<overflowPolicy>BLOCK</overflowPolicy>"
                + "<retryInitialDelay>1 millisecond</retryInitialDelay>"
                + "<retryMaxDelay>20 milliseconds</retryMaxDelay>"
                + "<shutdownGracePeriod>120 seconds</shutdownGracePeriod>"
                + "</appender>"
                + "<root level='INFO'><appender-ref ref='SQLITE'/></root>"
                + "</configuration>");
        return (SqliteAppender) logback.context().getLogger("ROOT").getAppender("SQLITE");
    }

    private static void logForever(LogbackTestContext logback, SqliteAppender appender) {
        Logger logger = logback.logger("crash");
        AppenderStatsMXBean stats = appender.getStats();
        long printed = -1;
        for (long i = 0; ; i++) {
            logger.info("{}", i);
            long delivered = stats.getDelivered();
            if (delivered != printed) {
                say("DELIVERED " + delivered);
                printed = delivered;
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The test closes our stdin, or dies: then this process has no reason to live. */
    private static void exitWhenStdinCloses(BufferedReader stdin) {
        Thread watcher = new Thread(
                () -> {
                    try {
                        while (stdin.readLine() != null) {
                            // nothing else is sent
                        }
                    } catch (IOException e) {
                        // closed too
                    }
                    Runtime.getRuntime().halt(3);
                },
                "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
