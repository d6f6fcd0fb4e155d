package dev.sluice.bench.redis;

import dev.sluice.bench.sqlite.EventShape;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The SQLite benchmark's {@link EventShape} plus one MDC entry that names the event's context: {@code jobId} is
 * {@code job-<i mod contexts>}, so the events spread evenly over a few context channels besides the global one.
 */
final class RedisEventShape {

    /** The MDC key the appender is told to read ({@code contextKey}). */
    static final String MDC_CONTEXT = "jobId";

    private static final String ID_PREFIX = "job-";

    private RedisEventShape() {}

    /** The context id of event {@code i}. */
    static String contextId(long i, int contexts) {
        return ID_PREFIX + (i % contexts);
    }

    /** A glob that matches every context id of this shape. */
    static String contextIdGlob() {
        return ID_PREFIX + "*";
    }

    /** Logs event {@code i} with its context id, spread over {@code contexts} contexts. */
    static ObjLongConsumer<Logger> withContexts(int contexts) {
        return (logger, i) -> {
            MDC.put(MDC_CONTEXT, contextId(i, contexts));
            EventShape.log(logger, i);
        };
    }
}
