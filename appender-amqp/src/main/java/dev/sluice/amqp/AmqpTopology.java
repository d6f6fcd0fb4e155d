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
 * {@code {service}} and {@code {level}}.
 */
final class AmqpTopology {

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

    String routingKey(String service, Level level) {
        return name(routingKeyPattern, service, levels.name(level));
    }

    String queueName(String service, String levelName) {
        return name(queueNamePattern, service, levelName);
    }

    /** Whether the names of this service fit AMQP's limit; null if they do, else why not. */
    String problemWith(String service) {
        for (String level : levels.names()) {
            for (String name : List.of(name(routingKeyPattern, service, level), queueName(service, level))) {
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
    void declare(Channel channel, String service, boolean declareQueues) throws IOException {
        channel.exchangeDeclare(exchange, exchangeType, true);
        if (!declareQueues) {
            return;
        }
        for (String level : levels.names()) {
            String queue = queueName(service, level);
            channel.queueDeclare(queue, true, false, false, queueArguments);
            channel.queueBind(queue, exchange, name(routingKeyPattern, service, level));
        }
    }

    private static String name(String pattern, String service, String level) {
        return pattern.replace("{service}", service).replace("{level}", level);
    }
}
