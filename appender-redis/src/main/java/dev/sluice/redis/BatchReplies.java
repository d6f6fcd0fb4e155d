package dev.sluice.redis;

import dev.sluice.core.PartialWriteException;
import dev.sluice.core.SinkException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replies of one attempt at a batch, awaited until one deadline ({@code commandTimeout} from the start), and what
 * they say: the error replies per event, and the first failure of each kind, which decides how the attempt fails.
 * Any failure fails the batch, retryable unless Redis answered with an error that a later attempt cannot get past.
 *
 * <p>A reply still missing at the deadline asks for the connection to be closed ({@link #mustCloseConnection()}):
 * Lettuce would otherwise match the replies it still waits for (or never gets, in a blackhole) to the next batch's
 * commands, and cancelling the commands instead would drop unsent ones from the middle of the batch. Closed, the
 * connection fails what is pending and sends nothing more, so Redis has run a prefix of the batch at most, and the
 * retry on a new connection sends it whole.
 */
final class BatchReplies {

    /**
     * How often the wait for replies flushes again. In a cluster, Lettuce writes a command redirected by MOVED or ASK
     * again after the batch's flush, to the node named in the redirect: without another flush it would wait there.
     */
    private static final long REFLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Error replies that a later attempt can get past (see {@link #isTransient}). */
    private static final List<String> TRANSIENT_ERRORS =
            List.of("CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "LOADING", "BUSY");

    private final StatefulConnection<?, ?> connection;
    private final long timeoutNanos;
    private final long deadline;
    private final List<EventError> eventErrors = new ArrayList<>();
    private Throwable refused;
    private final Map<Integer, Throwable> refusedEvents = new TreeMap<>();
    private boolean refusedBatch;
    private Throwable retryable;
    private Throwable timedOut;
    private boolean closeConnection;

    BatchReplies(StatefulConnection<?, ?> connection, Duration timeout) {
        this.connection = connection;
        this.timeoutNanos = timeout.toNanos();
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    /** Waits for the reply to a command of {@code event} (or of the {@link EventError#BATCH}) and notes a failure. */
    void await(int event, RedisFuture<?> reply) {
        note(event, failureOf(reply));
    }

    /** Notes the failure (if not null) of a command of {@code event}, or of the {@link EventError#BATCH}. */
    void note(int event, Throwable failure) {
        if (failure instanceof RedisCommandExecutionException) {
            eventErrors.add(new EventError(event, String.valueOf(failure.getMessage())));
        }
        if (failure instanceof RedisCommandExecutionException && !isTransient(failure)) {
            refused = refused == null ? failure : refused;
            if (event == EventError.BATCH) {
                refusedBatch = true;
            } else {
                refusedEvents.putIfAbsent(event, failure);
            }
        } else if (failure instanceof TimeoutException) {
            timedOut = failure;
            closeConnection = true;
        } else if (failure != null && retryable == null) {
            retryable = failure;
        }
    }

    /** Notes an error reply to a call that a script made for {@code event}. */
    void errorReply(int event, String error) {
        note(event, new RedisCommandExecutionException(error));
    }

    /** Whether an error reply says "not now" rather than "never": a cluster reshard, a loading or busy server. */
    private static boolean isTransient(Throwable error) {
        String message = String.valueOf(error.getMessage());
        return TRANSIENT_ERRORS.stream().anyMatch(message::startsWith);
    }

    /**
     * The reply's failure, a {@link TimeoutException} past the deadline (the command is not cancelled, see the class
     * comment), or null when it succeeded.
     */
    Throwable failureOf(RedisFuture<?> reply) {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    reply.get(Math.max(0, Math.min(left, REFLUSH_NANOS)), TimeUnit.NANOSECONDS);
                    return null;
                } catch (TimeoutException e) {
                    if (left <= REFLUSH_NANOS) {
                        return e;
                    }
                    connection.flushCommands(); // commands written after the batch's flush (see REFLUSH_NANOS)
                }
            }
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (RuntimeException e) {
            return e; // cancelled
        }
    }

    /** Asks for the connection to be closed after the attempt, whatever the replies say. */
    void closeConnection() {
        closeConnection = true;
    }

    /** Whether a reply timed out or the batch was split across connections: the connection must be closed. */
    boolean mustCloseConnection() {
        return closeConnection;
    }

    /** Whether any command failed otherwise than by an error reply: later parts of the batch must not be sent. */
    boolean failedWholly() {
        return timedOut != null || retryable != null;
    }

    /** The error replies so far, in the order the commands were sent. */
    List<EventError> eventErrors() {
        return List.copyOf(eventErrors);
    }

    /**
     * Fails the attempt if any reply did: retryably unless Redis refused commands with an error no retry can get
     * past. When every other command succeeded and each refused one belongs to an event, only those events are
     * rejected ({@link PartialWriteException}): the batch is not written again event by event, which would run the
     * other commands of the refused events twice.
     */
    void throwIfFailed(String displayUri, int events) throws SinkException {
        if (refused != null && !refusedBatch && !failedWholly()) {
            Map<Integer, Throwable> causes = new TreeMap<>();
            refusedEvents.forEach((event, cause) -> causes.put(
                    event,
                    SinkException.permanent(
                            displayUri + " refused a command of the event (its other commands ran): "
                                    + cause.getMessage(),
                            cause)));
            throw new PartialWriteException(
                    displayUri + " refused commands of " + refusedEvents.size() + " of the batch's " + events
                            + " events (their other commands ran): " + refused.getMessage(),
                    causes);
        }
        if (refused != null) {
            throw SinkException.permanent(
                    displayUri + " refused a command of the batch: " + refused.getMessage(), refused);
        }
        if (timedOut != null) {
            throw SinkException.retryable(
                    "no reply from " + displayUri + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms for a batch of " + events + " events; the connection is closed and the batch"
                            + " sent again on a new one, so part of it may arrive twice",
                    timedOut);
        }
        if (retryable != null) {
            throw SinkException.retryable(
                    "a batch of " + events + " events to " + displayUri + " failed: " + retryable, retryable);
        }
    }
}
