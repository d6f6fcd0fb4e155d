package dev.sluice.samples;

import ch.qos.logback.classic.LoggerContext;
import dev.sluice.queue.Relay;
import dev.sluice.queue.RelayAppender;
import dev.sluice.queue.RelayServer;
import dev.sluice.queue.RelayServerListener;
import dev.sluice.sqlite.LogQuery;
import dev.sluice.sqlite.LogRecord;
import dev.sluice.sqlite.LogStore;
import dev.sluice.sqlite.SqliteAppender;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The relay demo ({@code scripts/demo relay}): this process is the central one ({@code logback-relay-central.xml}: a
 * {@link RelayServerListener} and a {@link SqliteAppender}); it starts 4 worker JVMs ({@link RelayDemoWorker}, whose
 * only appender is a {@link RelayAppender}), waits for them, stops its context (which stores what is queued), and
 * reads the database back: each worker's events, counted and checked in the order they were stored.
 */
public final class RelayDemo {

    static final int WORKERS = 4;
    static final int EVENTS_PER_WORKER = 5000;

    private RelayDemo() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args.length > 0 ? args[0] : System.getProperty("sluice.demo.db", "target/relay-demo.db"));
        System.exit(run(db, System.out) ? 0 : 1);
    }

    /** Runs the workers into a fresh file and prints the report; true when every event was stored once, in order. */
    static boolean run(Path db, PrintStream out) throws Exception {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
        System.setProperty("sluice.demo.db", db.toString());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        DemoConfig.configure(context, "/logback-relay-central.xml");
        RelayServer server = context.getCopyOfListenerList().stream()
                .filter(RelayServerListener.class::isInstance)
                .map(listener -> ((RelayServerListener) listener).server())
                .findFirst()
                .orElseThrow();
        out.printf(
                "Sluice relay demo: %d worker JVMs x %,d events, relayed to this process at %s and stored by"
                        + " SqliteAppender into %s%n",
                WORKERS, EVENTS_PER_WORKER, server.address(), db);

        List<String> names = new ArrayList<>();
        List<Process> workers = new ArrayList<>();
        for (int w = 1; w <= WORKERS; w++) {
            names.add("worker-" + w);
            workers.add(startWorker(server, names.get(w - 1)));
        }
        boolean workersOk = true;
        for (Process worker : workers) {
            // Each worker prints one line; reading it to the end also waits for the worker to finish.
            out.print(new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            workersOk &= worker.waitFor(1, TimeUnit.MINUTES) && worker.exitValue() == 0;
        }
        long received = server.getEventsReceived();
        long duplicates = server.getDuplicatesDropped();
        context.stop(); // the relay server stops first, then the SQLite appender commits what is queued
        out.printf("the central relay server received %,d events (%,d duplicates dropped)%n", received, duplicates);

        try (LogStore store = LogStore.open(db)) {
            return report(store, names, out) && workersOk;
        }
    }

    private static Process startWorker(RelayServer server, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + RelayAppender.NAME_PROPERTY + "=" + name,
                RelayDemoWorker.class.getName(),
                name,
                Integer.toString(EVENTS_PER_WORKER));
        Relay.passTo(server, builder.environment());
        return builder.redirectErrorStream(true).start();
    }

    /** Per worker: the events stored, and whether their counters only go up in the order the rows were inserted. */
    private static boolean report(LogStore store, List<String> names, PrintStream out) {
        long total = store.statistics().totalLogs();
        out.printf("the store holds %,d events%n", total);
        int complete = 0;
        for (String name : names) {
            List<LogRecord> rows = new ArrayList<>(
                    store.logs(LogQuery.all().mdc("worker", name).limit(EVENTS_PER_WORKER + 1)));
            rows.sort(Comparator.comparingLong(LogRecord::id));
            boolean inOrder = true;
            for (int i = 0; i < rows.size(); i++) {
                inOrder &= rows.get(i).message().equals(name + " event " + i);
            }
            out.printf("  %s: %,d events, %s%n", name, rows.size(), inOrder ? "in order" : "NOT in order");
            if (inOrder && rows.size() == EVENTS_PER_WORKER) {
                complete++;
            }
        }
        boolean ok = complete == WORKERS && total == (long) WORKERS * EVENTS_PER_WORKER;
        out.println(ok ? "RESULT ok: every worker's events stored once, in the order it logged them" : "RESULT FAILED");
        return ok;
    }
}
