/**
 * The AMQP benchmark: the {@code AmqpAppender} end to end, per message and batched, against RabbitMQ PerfTest's
 * publisher on the same broker with the same body size, persistence and confirm window (the limit), and against
 * Spring AMQP's Logback {@code AmqpAppender}, which does not confirm. Run it with {@code scripts/bench amqp}; see
 * {@link dev.sluice.bench.amqp.AmqpBench}.
 */
package dev.sluice.bench.amqp;
