package dev.sluice.amqp;

import ch.qos.logback.classic.Level;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exchange, routing keys and queues of one service: LogHive's by default, a durable direct exchange
 * {@code logs_exchange}, routing key {@code <service>.<level>} and a durable queue {@code <service>_<level>_logs}
 * bound to it for every level, so that no level is unroutable. Names come from patterns with the placeholders
 * {@code {service}} and {@code {level}}. The appender declares it; the consumer finds and declares the same queues
 * through it ({@link AmqpWireFormat#topology}).
 */
public final class AmqpTopology {

    /** The longest routing key or queue name AMQP 0-9-1 allows, in UTF-8 bytes: {@value}. */
    static final int MAX_NAME_BYTES = 255;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final List<String> PLACEHOLDERS = List.of("service", "level");

    private final String exchange;
    private final String exchangeType;
    private final String routingKeyPattern;
    private final String queueNamePattern;
    private final LevelNaming levels;
    private final Map<String, Object> queueArguments;

    AmqpTopology(
            String exchange,
            String exchangeType,
            String routingKeyPattern,
            String queueNamePattern,
            LevelNaming levels,
            Map<String, Object> queueArguments) {
        this.exchange = exchange;
        this.exchangeType = exchangeType;
        this.routingKeyPattern = routingKeyPattern;
        this.queueNamePattern = queueNamePattern;
        this.levels = levels;
        this.queueArguments = Map.copyOf(queueArguments);
    }

    /** The problems of a name pattern: an unknown placeholder, or none of {@code {level}} when required. */
    static void check(String setting, String pattern, List<String> errors) {
        if (pattern == null || pattern.isBlank()) {
            errors.add(setting + " must not be empty.");
            return;
        }
        Matcher matcher = PLACEHOLDER.matcher(pattern);
        while (matcher.find()) {
            if (!PLACEHOLDERS.contains(matcher.group(1))) {
                errors.add(setting + " '" + pattern + "' has the unknown placeholder {" + matcher.group(1)
                        + "}; use {service} and {level}.");
            }
        }
    }

    /** The queue arguments of the settings: TTL, length cap, overflow and type; absent ones are left out. */
    static Map<String, Object> queueArguments(long messageTtlMillis, long maxLength, String overflow, String type) {
        Map<String, Object> arguments = new HashMap<>();
        if (messageTtlMillis > 0) {
            arguments.put("x-message-ttl", messageTtlMillis);
        }
        if (maxLength > 0) {
            arguments.put("x-max-length", maxLength);
        }
        if (overflow != null && !overflow.isBlank()) {
            arguments.put("x-overflow", overflow.trim());
        }
        if (type != null && !type.isBlank() && !type.trim().equals("classic")) {
            arguments.put("x-queue-type", type.trim());
        }
        return arguments;
    }

    String exchange() {
        return exchange;
    }

    /** The level names of queue names and routing keys, lowest level first. */
    public List<String> levelNames() {
        return levels.names();
    }

    String routingKey(String service, Level level) {
        return routingKey(service, levels.name(level));
    }

    public String routingKey(String service, String levelName) {
        return name(routingKeyPattern, service, levelName);
    }

    public String queueName(String service, String levelName) {
        return name(queueNamePattern, service, levelName);
    }

    /** Whether the names of this service fit AMQP's limit; null if they do, else why not. */
    String problemWith(String service) {
        for (String level : levels.names()) {
            for (String name : List.of(routingKey(service, level), queueName(service, level))) {
                if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                    return "'" + name + "' is longer than AMQP's " + MAX_NAME_BYTES + " bytes";
                }
            }
        }
        return null;
    }

    /**
     * Declares the durable exchange and, for every level, the durable queue bound to its routing key. Declaring what
     * exists with the same arguments does nothing; different arguments make the broker close the channel with 406
     * PRECONDITION_FAILED, which the caller reports.
     */
    void declare(Channel channel, String service) throws IOException {
        declareExchange(channel);
        for (String level : levels.names()) {
            String queue = queueName(service, level);
            declareQueue(channel, queue);
            bind(channel, queue, service, level);
        }
    }

    /** Declares the durable exchange. */
    public void declareExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(exchange, exchangeType, true);
    }

    /** Declares a durable queue with the topology's arguments (TTL, length cap, overflow, type), unbound. */
    public void declareQueue(Channel channel, String queue) throws IOException {
        channel.queueDeclare(queue, true, false, false, queueArguments);
    }

    /** Binds a queue to the exchange with the routing key of a service and level. */
    public void bind(Channel channel, String queue, String service, String levelName) throws IOException {
        channel.queueBind(queue, exchange, routingKey(service, levelName));
    }

    private static String name(String pattern, String service, String level) {
        return pattern.replace("{service}", service).replace("{level}", level);
    }
}
