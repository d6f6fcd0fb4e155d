package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What the worker needs: a configured connection factory and the addresses to try in order, how to name and declare
 * the topology, how events become messages, how many channels publish, and the confirm window (per channel) and
 * timeout.
 */
record AmqpSinkSettings(
        ConnectionFactory factory,
        List<Address> addresses,
        String connectionName,
        String displayUri,
        AmqpTopology topology,
        boolean declare,
        String service,
        Function<ILoggingEvent, byte[]> body,
        int eventsPerMessage,
        boolean mandatory,
        int channels,
        int confirmWindow,
        Duration confirmTimeout) {}
