package dev.sluice.bench.amqp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.sluice.bench.redis.CanonicalJsonLayout;
import dev.sluice.bench.sqlite.BenchContexts;
import dev.sluice.bench.sqlite.EventShape;
import dev.sluice.bench.sqlite.Producers;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.amqp.rabbit.logback.AmqpAppender;

/**
 * The peer a Spring user finds: Spring AMQP's Logback {@link AmqpAppender}. Its {@code append} copies the MDC and the
 * thread name into a wrapper and adds it to an unbounded queue; {@code senderPoolSize} (2) sender threads take events
 * from it and publish each with a {@code RabbitTemplate} on a {@code CachingConnectionFactory}: fire and forget, no
 * publisher confirms, {@code mandatory} off (an unroutable message is dropped silently), the body the layout's text.
 * Its defaults stay, except what makes it publish where Sluice does with the same body: exchange
 * {@code logs_exchange} (the appender's {@code exchangeName} default is {@code logs}, a topic exchange, which it
 * declares only if told to), routing key {@value #ROUTING_PREFIX}{@code %p} (its default is {@code %c.%p}) and the
 * layout {@link CanonicalJsonLayout}, Sluice's JSON. By default it sends persistent messages
 * ({@code deliveryMode=PERSISTENT}), {@code contentType=text/plain}, no message id ({@code generateId=false}), the
 * time in seconds, and as headers {@code categoryName}, {@code level}, {@code thread} and every MDC entry.
 *
 * <p>It declares no queue: the run declares one per level the events have (INFO, WARN), durable with LogHive's
 * arguments and bound to its routing key, and deletes them after. The clock runs from the first log call until the
 * queues hold every event (the broker's count, asked every 2 ms); a count that stops short for
 * {@link AmqpBench#STALL_NANOS} ends the run with what arrived, and says so.
 */
final class SpringRun {

    /** The routing key of an event is this plus its level, as Logback writes it ({@code %p}): {@value}. */
    static final String ROUTING_PREFIX = "spring-bench.";

    private static final List<String> LEVELS = List.of("INFO", "WARN");

    private SpringRun() {}

    static List<String> queues() {
        return LEVELS.stream().map(level -> "spring-bench_" + level + "_logs").toList();
    }

    static Result run(Broker broker, long events, int threads) throws Exception {
        List<String> queues = queues();
        broker.deleteQueues(queues);
        broker.declareExchange(AmqpBench.EXCHANGE);
        for (int i = 0; i < LEVELS.size(); i++) {
            broker.declareQueue(queues.get(i), AmqpBench.EXCHANGE, ROUTING_PREFIX + LEVELS.get(i));
        }
        LoggerContext context = BenchContexts.create(AmqpBench.CONTEXT_NAME);
        try {
            CanonicalJsonLayout layout = CanonicalJsonLayout.started(context);
            AmqpAppender appender = new AmqpAppender();
            appender.setContext(context);
            appender.setName("SPRING");
            appender.setUri(URI.create(broker.uri()));
            appender.setExchangeName(AmqpBench.EXCHANGE);
            appender.setExchangeType("direct");
            appender.setRoutingKeyPattern(ROUTING_PREFIX + "%p");
            appender.setLayout(layout);
            Logger logger = BenchContexts.attach(context, appender);

            long start = Producers.logAll(logger, events, threads, EventShape::log);
            Broker.Arrival arrival = Broker.awaitCount(() -> broker.depth(queues), events, AmqpBench.STALL_NANOS);
            long nanos = arrival.nanoTime() - start;
            if (arrival.count() != events) {
                System.out.printf(
                        Locale.ROOT,
                        "# warning: spring delivered %d of %d events; events/s counts those%n",
                        arrival.count(),
                        events);
            }
            byte[] first = broker.peek(queues.get(0));
            return new Result(
                    arrival.count(),
                    Result.perSecond(arrival.count(), nanos),
                    arrival.count(),
                    first == null ? Double.NaN : first.length,
                    "");
        } finally {
            context.stop();
            broker.deleteQueues(queues);
        }
    }
}
