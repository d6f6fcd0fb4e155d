package dev.sluice.testing;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Assertions over a Logback context's status messages, which is where appenders report problems. Every failure
 * message lists all the statuses, since the one that explains a failure is rarely the one the test looked for.
 *
 * <p>Levels are {@link Status#INFO}, {@link Status#WARN} and {@link Status#ERROR}; a status matches a level only if
 * its own level is exactly that one. Patterns are {@linkplain java.util.regex.Matcher#find() found} anywhere in the
 * message. Logback keeps the first and the last 150 statuses of a context; these assertions see those.
 */
public final class StatusAssertions {

    /** How long {@link #awaitStatus} waits: {@value} seconds. */
    public static final int DEFAULT_AWAIT_SECONDS = 10;

    private StatusAssertions() {}

    /** Fails if the context holds any status of level ERROR. */
    public static void assertNoErrors(Context context) {
        long errors = statuses(context).stream()
                .filter(s -> s.getLevel() == Status.ERROR)
                .count();
        if (errors > 0) {
            throw new AssertionError("expected no ERROR status, found " + errors + "\n" + describe(context));
        }
    }

    /** How many statuses have exactly {@code level} and a message in which {@code regex} is found. */
    public static int countMatching(Context context, int level, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return (int) statuses(context).stream()
                .filter(s -> matches(s, level, pattern))
                .count();
    }

    /** Fails unless at least one status has exactly {@code level} and a message in which {@code regex} is found. */
    public static void assertStatus(Context context, int level, String regex) {
        if (countMatching(context, level, regex) == 0) {
            throw new AssertionError(
                    "expected a " + levelName(level) + " status matching /" + regex + "/\n" + describe(context));
        }
    }

    /** Fails unless exactly {@code expected} statuses have {@code level} and match {@code regex}. */
    public static void assertStatusCount(Context context, int level, String regex, int expected) {
        int actual = countMatching(context, level, regex);
        if (actual != expected) {
            throw new AssertionError("expected " + expected + " " + levelName(level) + " statuses matching /" + regex
                    + "/, found " + actual + "\n" + describe(context));
        }
    }

    /** Fails if any status has exactly {@code level} and matches {@code regex}. */
    public static void assertNoStatus(Context context, int level, String regex) {
        assertStatusCount(context, level, regex, 0);
    }

    /**
     * Waits up to {@value #DEFAULT_AWAIT_SECONDS} seconds for a status of {@code level} matching {@code regex}: for
     * statuses that a worker thread reports after the call under test returned.
     */
    public static void awaitStatus(Context context, int level, String regex) {
        try {
            await().atMost(Duration.ofSeconds(DEFAULT_AWAIT_SECONDS))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> countMatching(context, level, regex) > 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "timed out waiting for a " + levelName(level) + " status matching /" + regex + "/\n"
                            + describe(context),
                    e);
        }
    }

    /** All statuses of the context, one a line, for failure messages. */
    public static String describe(Context context) {
        return describe(statuses(context));
    }

    /** The given statuses, one a line, with level, origin, message and throwable. */
    public static String describe(List<Status> statuses) {
        if (statuses.isEmpty()) {
            return "(no statuses)";
        }
        StringBuilder out = new StringBuilder("statuses:");
        for (Status s : statuses) {
            out.append("\n  ").append(levelName(s.getLevel())).append(' ');
            if (s.getOrigin() != null) {
                Class<?> origin = s.getOrigin().getClass();
                String name = origin.getSimpleName().isEmpty() ? origin.getName() : origin.getSimpleName();
                out.append('[').append(name).append("] ");
            }
            out.append(s.getMessage());
            if (s.getThrowable() != null) {
                out.append(" <- ").append(s.getThrowable());
            }
        }
        return out.toString();
    }

    /** The name Logback prints for a status level. */
    public static String levelName(int level) {
        switch (level) {
            case Status.INFO:
                return "INFO";
            case Status.WARN:
                return "WARN";
            case Status.ERROR:
                return "ERROR";
            default:
                return "LEVEL(" + level + ")";
        }
    }

    private static List<Status> statuses(Context context) {
        return context.getStatusManager().getCopyOfStatusList();
    }

    private static boolean matches(Status status, int level, Pattern pattern) {
        return status.getLevel() == level
                && status.getMessage() != null
                && pattern.matcher(status.getMessage()).find();
    }
}
