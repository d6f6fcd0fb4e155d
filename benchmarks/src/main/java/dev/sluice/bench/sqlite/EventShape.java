package dev.sluice.bench.sqlite;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.helpers.MessageFormatter;

/**
 * The one event shape every contestant writes: a fixed logger, a message of about 90 characters formatted from two
 * arguments, two MDC entries that change with every event, one event in five at WARN and the rest at INFO, no
 * throwable, no marker, no key-value pair. Event {@code i} is the same for every contestant. The Redis benchmark
 * adds an MDC entry naming the event's context channel.
 */
public final class EventShape {

    public static final String LOGGER = "com.example.shop.OrderService";
    static final String PATTERN = "Order {} shipped to warehouse {} after the stock check and the carrier booking";
    static final String MDC_REQUEST = "requestId";
    static final String MDC_USER = "user";

    private EventShape() {}

    static Level level(long i) {
        return i % 5 == 0 ? Level.WARN : Level.INFO;
    }

    static String order(long i) {
        return "ord-" + (1_000_000 + i);
    }

    static String warehouse(long i) {
        return "wh-" + (i % 17);
    }

    static String requestId(long i) {
        return "req-" + Long.toHexString(0x5eed_0000_0000L + i);
    }

    static String user(long i) {
        return "user-" + (i % 100);
    }

    /** The message as Logback formats it for event {@code i}. */
    static String message(long i) {
        return MessageFormatter.format(PATTERN, order(i), warehouse(i)).getMessage();
    }

    /** Logs event {@code i} on the calling thread, its MDC set as the event needs it. */
    public static void log(Logger logger, long i) {
        MDC.put(MDC_REQUEST, requestId(i));
        MDC.put(MDC_USER, user(i));
        if (level(i) == Level.WARN) {
            logger.warn(PATTERN, order(i), warehouse(i));
        } else {
            logger.info(PATTERN, order(i), warehouse(i));
        }
    }
}
