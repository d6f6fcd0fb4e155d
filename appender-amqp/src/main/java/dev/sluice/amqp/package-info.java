/**
 * RabbitMQ appender with publisher confirms ({@link dev.sluice.amqp.AmqpAppender}); the consumer that stores what it
 * publishes is in {@code dev.sluice.amqp.consumer}.
 */
package dev.sluice.amqp;
