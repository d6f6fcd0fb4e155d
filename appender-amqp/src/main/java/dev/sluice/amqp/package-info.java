/** RabbitMQ appender with publisher confirms, and the batch consumer. Not built yet (issue 5). */
package dev.sluice.amqp;
