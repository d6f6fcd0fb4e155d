package dev.sluice.amqp;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.Duration;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.core.BatchSink;
import dev.sluice.core.JsonEventAppenderBase;
import dev.sluice.core.json.EventJsonEncoder;
import dev.sluice.core.json.EventJsonParts;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Ships log events to RabbitMQ with publisher confirms: an event counts as delivered once the broker has confirmed
 * its persistent message. LogHive's topology by default: a durable direct exchange {@code logs_exchange}, routing key
 * {@code <service>.<level>} and a durable queue {@code <service>_<level>_logs} for every level (7 days TTL, at most
 * 1,000,000 messages), so no level is unroutable.
 *
 * <pre>{@code
 * <appender name="AMQP" class="dev.sluice.amqp.AmqpAppender">
 *   <uri>amqp://guest:guest@127.0.0.1:5672/%2F</uri>
 *   <service>orders</service>
 * </appender>
 * }</pre>
 */
public class AmqpAppender extends JsonEventAppenderBase {

    /** Default {@code uri}. */
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
    /** Default {@code heartbeat}. */
    public static final long DEFAULT_HEARTBEAT_SECONDS = 60;
    /** Default {@code connectionTimeout}. */
    public static final long DEFAULT_CONNECTION_TIMEOUT_MILLIS = 5000;
    /** Default {@code handshakeTimeout}. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10000;
    /** Default {@code exchange}. */
    public static final String DEFAULT_EXCHANGE = "logs_exchange";
    /** Default {@code exchangeType}. */
    public static final String DEFAULT_EXCHANGE_TYPE = "direct";
    /** Default {@code routingKeyPattern}. */
    public static final String DEFAULT_ROUTING_KEY_PATTERN = "{service}.{level}";
    /** Default {@code queueNamePattern}. */
    public static final String DEFAULT_QUEUE_NAME_PATTERN = "{service}_{level}_logs";
    /** Default {@code declare}. */
    public static final boolean DEFAULT_DECLARE = true;
    /** Default {@code messageTtl}. */
    public static final long DEFAULT_MESSAGE_TTL_MILLIS = 604_800_000L;
    /** Default {@code maxLength}. */
    public static final long DEFAULT_MAX_LENGTH = 1_000_000L;
    /** Default {@code queueType}. */
    public static final String DEFAULT_QUEUE_TYPE = "classic";
    /** Default {@code format}. */
    public static final String DEFAULT_FORMAT = "JSON";
    /** Default {@code eventsPerMessage}. */
    public static final int DEFAULT_EVENTS_PER_MESSAGE = 1;
    /** Default {@code mandatory}. */
    public static final boolean DEFAULT_MANDATORY = true;
    /** Default {@code channels}: one, so that the events of each thread reach their queue in order. */
    public static final int DEFAULT_CHANNELS = 1;
    /** The most {@code channels}. */
    public static final int MAX_CHANNELS = 16;
    /** Default {@code confirmWindow}. */
    public static final int DEFAULT_CONFIRM_WINDOW = 256;
    /** Default {@code confirmTimeout}. */
    public static final long DEFAULT_CONFIRM_TIMEOUT_MILLIS = 30_000L;

    private String uri = DEFAULT_URI;
    private String addresses;
    private String virtualHost;
    private String username;
    private String password;
    private String tlsCaCertFile;
    private String tlsCertFile;
    private String tlsKeyFile;
    private Duration heartbeat = Duration.buildBySeconds(DEFAULT_HEARTBEAT_SECONDS);
    private Duration connectionTimeout = Duration.buildByMilliseconds(DEFAULT_CONNECTION_TIMEOUT_MILLIS);
    private Duration handshakeTimeout = Duration.buildByMilliseconds(DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    private String exchange = DEFAULT_EXCHANGE;
    private String exchangeType = DEFAULT_EXCHANGE_TYPE;
    private String routingKeyPattern = DEFAULT_ROUTING_KEY_PATTERN;
    private String queueNamePattern = DEFAULT_QUEUE_NAME_PATTERN;
    private boolean declare = DEFAULT_DECLARE;
    private Duration messageTtl = Duration.buildByMilliseconds(DEFAULT_MESSAGE_TTL_MILLIS);
    private long maxLength = DEFAULT_MAX_LENGTH;
    private String overflow;
    private String queueType = DEFAULT_QUEUE_TYPE;
    private String format = DEFAULT_FORMAT;
    private String levelNames;
    private int eventsPerMessage = DEFAULT_EVENTS_PER_MESSAGE;
    private boolean mandatory = DEFAULT_MANDATORY;
    private int channels = DEFAULT_CHANNELS;
    private int confirmWindow = DEFAULT_CONFIRM_WINDOW;
    private Duration confirmTimeout = Duration.buildByMilliseconds(DEFAULT_CONFIRM_TIMEOUT_MILLIS);
    private String connectionName;

    private ConnectionFactory factory;
    private List<Address> parsedAddresses;
    private AmqpFormat parsedFormat;
    private LevelNaming parsedLevelNames;

    /** Default {@code batchSize}: {@value}; confirms stream across batches, so it only sets how many events become messages at once. */
    public static final int DEFAULT_AMQP_BATCH_SIZE = 2048;

    @Override
    protected int defaultBatchSize() {
        return DEFAULT_AMQP_BATCH_SIZE;
    }

    @Override
    protected String workerKind() {
        return "amqp";
    }

    /** The client logs through SLF4J, connection failures included; those events must not come back here. */
    @Override
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of("com.rabbitmq.");
    }

    @Override
    protected void validateSinkSettings(List<String> errors) {
        factory = AmqpConnections.factory(
                new AmqpConnections.Options(
                        uri,
                        addresses,
                        virtualHost,
                        username,
                        password,
                        tlsCaCertFile,
                        tlsCertFile,
                        tlsKeyFile,
                        (int) (heartbeat == null ? 0 : heartbeat.getMilliseconds() / 1000),
                        positiveMillis(errors, "connectionTimeout", connectionTimeout),
                        positiveMillis(errors, "handshakeTimeout", handshakeTimeout),
                        "sluice-amqp-io-" + getName()),
                errors);
        parsedAddresses = factory == null ? List.of() : AmqpConnections.addresses(factory, addresses, errors);
        requireNonNegative(errors, "heartbeat", heartbeat);
        if (heartbeat != null && heartbeat.getMilliseconds() > 0 && heartbeat.getMilliseconds() < 1000) {
            errors.add("heartbeat is in whole seconds: 0 turns it off, else at least 1 second, was " + heartbeat + ".");
        }
        requireNonNegative(errors, "messageTtl", messageTtl);
        positiveMillis(errors, "confirmTimeout", confirmTimeout);
        parsedFormat = parse(AmqpFormat.class, "format", format, errors);
        parsedLevelNames = levelNames == null || levelNames.isBlank()
                ? (parsedFormat == AmqpFormat.LOGHIVE ? LevelNaming.PYTHON : LevelNaming.LOGBACK)
                : parse(LevelNaming.class, "levelNames", levelNames, errors);
        if (exchange == null || exchange.isBlank()) {
            errors.add("exchange must not be empty (the default exchange cannot be bound).");
        }
        if (exchangeType == null || exchangeType.isBlank()) {
            errors.add("exchangeType must name an exchange type (direct, topic, fanout, headers).");
        }
        AmqpTopology.check("routingKeyPattern", routingKeyPattern, errors);
        AmqpTopology.check("queueNamePattern", queueNamePattern, errors);
        if (maxLength < 0) {
            errors.add("maxLength must not be negative, was " + maxLength + ".");
        }
        if (queueType != null && !List.of("classic", "quorum").contains(queueType.trim())) {
            errors.add("queueType must be classic or quorum, was '" + queueType + "'.");
        }
        if (overflow != null
                && !overflow.isBlank()
                && !List.of("drop-head", "reject-publish", "reject-publish-dlx").contains(overflow.trim())) {
            errors.add("overflow must be drop-head, reject-publish or reject-publish-dlx, was '" + overflow + "'.");
        }
        if (eventsPerMessage < 1) {
            errors.add("eventsPerMessage must be at least 1, was " + eventsPerMessage + ".");
        } else if (eventsPerMessage > 1 && parsedFormat == AmqpFormat.LOGHIVE) {
            errors.add("eventsPerMessage above 1 (batched mode) needs format JSON: LogHive's consumers read one event"
                    + " per message.");
        }
        if (jsonSettings() != null && parsedLevelNames != null && errors.isEmpty()) {
            String problem = topology().problemWith(jsonSettings().service());
            if (problem != null) {
                errors.add("service '" + jsonSettings().service() + "' makes a name too long: " + problem + ".");
            }
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            errors.add("channels must be between 1 and " + MAX_CHANNELS + ", was " + channels + ".");
        }
        if (confirmWindow < 1) {
            errors.add("confirmWindow must be at least 1, was " + confirmWindow + ".");
        }
    }

    private static int positiveMillis(List<String> errors, String name, Duration value) {
        if (value == null || value.getMilliseconds() < 1 || value.getMilliseconds() > Integer.MAX_VALUE) {
            errors.add(name + " must be between 1 millisecond and 24 days, was " + value + ".");
            return 1;
        }
        return (int) value.getMilliseconds();
    }

    private static <T extends Enum<T>> T parse(Class<T> type, String name, String value, List<String> errors) {
        try {
            return Enum.valueOf(type, value == null ? "" : value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(name + " must be one of " + List.of(type.getEnumConstants()) + ", was '" + value + "'.");
            return null;
        }
    }

    private AmqpTopology topology() {
        return new AmqpTopology(
                exchange.trim(),
                exchangeType.trim(),
                routingKeyPattern,
                queueNamePattern,
                parsedLevelNames,
                AmqpTopology.queueArguments(messageTtl.getMilliseconds(), maxLength, overflow, queueType));
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        String service = jsonSettings().service();
        Function<ILoggingEvent, byte[]> body = parsedFormat == AmqpFormat.LOGHIVE
                ? new LogHivePayload(new EventJsonParts(jsonSettings()))::encode
                : new EventJsonEncoder(jsonSettings())::encode;
        return new AmqpSink(
                new AmqpSinkSettings(
                        factory,
                        parsedAddresses,
                        connectionName != null ? connectionName : "sluice-" + getName(),
                        AmqpConnections.display(factory, parsedAddresses),
                        topology(),
                        declare,
                        service,
                        body,
                        eventsPerMessage,
                        mandatory,
                        channels,
                        confirmWindow,
                        java.time.Duration.ofMillis(confirmTimeout.getMilliseconds())),
                this,
                getName());
    }

    /** The broker: {@code amqp://user:password@host:port/vhost}, {@code amqps://} for TLS. Default {@value #DEFAULT_URI}. */
    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getUri() {
        return uri;
    }

    /** Brokers to try in order, {@code host[:port]} separated by commas (a cluster's nodes, for failover); they replace the URI's host and port. Default: the URI's. */
    public void setAddresses(String addresses) {
        this.addresses = addresses;
    }

    public String getAddresses() {
        return addresses;
    }

    /** The virtual host, instead of the URI's. */
    public void setVirtualHost(String virtualHost) {
        this.virtualHost = virtualHost;
    }

    public String getVirtualHost() {
        return virtualHost;
    }

    /** The user, instead of the URI's. */
    public void setUsername(String username) {
        this.username = username;
    }

    public String getUsername() {
        return username;
    }

    /** The password, instead of the URI's. */
    public void setPassword(String password) {
        this.password = password;
    }

    public String getPassword() {
        return password;
    }

    /** PEM file of the CA certificates to trust for {@code amqps://}; default the JVM's trusted CAs. The host name is always checked. */
    public void setTlsCaCertFile(String tlsCaCertFile) {
        this.tlsCaCertFile = tlsCaCertFile;
    }

    public String getTlsCaCertFile() {
        return tlsCaCertFile;
    }

    /** PEM client certificate (chain) for mutual TLS; needs {@code tlsKeyFile}. */
    public void setTlsCertFile(String tlsCertFile) {
        this.tlsCertFile = tlsCertFile;
    }

    public String getTlsCertFile() {
        return tlsCertFile;
    }

    /** The unencrypted PKCS#8 PEM key of {@code tlsCertFile}. */
    public void setTlsKeyFile(String tlsKeyFile) {
        this.tlsKeyFile = tlsKeyFile;
    }

    public String getTlsKeyFile() {
        return tlsKeyFile;
    }

    /** AMQP heartbeat: a silent connection is found dead after about twice this. Default {@value #DEFAULT_HEARTBEAT_SECONDS} seconds; 0 turns it off. */
    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public Duration getHeartbeat() {
        return heartbeat;
    }

    /** How long opening the TCP connection may take. Default {@value #DEFAULT_CONNECTION_TIMEOUT_MILLIS} ms. */
    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    /** How long the AMQP (and TLS) handshake may take. Default {@value #DEFAULT_HANDSHAKE_TIMEOUT_MILLIS} ms. */
    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    /** The exchange messages are published to. Default {@value #DEFAULT_EXCHANGE} (LogHive's). */
    public void setExchange(String exchange) {
        this.exchange = exchange;
    }

    public String getExchange() {
        return exchange;
    }

    /** The type the exchange is declared with. Default {@value #DEFAULT_EXCHANGE_TYPE}. */
    public void setExchangeType(String exchangeType) {
        this.exchangeType = exchangeType;
    }

    public String getExchangeType() {
        return exchangeType;
    }

    /** The routing key, from {@code {service}} and {@code {level}}. Default {@value #DEFAULT_ROUTING_KEY_PATTERN}. */
    public void setRoutingKeyPattern(String routingKeyPattern) {
        this.routingKeyPattern = routingKeyPattern;
    }

    public String getRoutingKeyPattern() {
        return routingKeyPattern;
    }

    /** The queue declared for each level. Default {@value #DEFAULT_QUEUE_NAME_PATTERN}. */
    public void setQueueNamePattern(String queueNamePattern) {
        this.queueNamePattern = queueNamePattern;
    }

    public String getQueueNamePattern() {
        return queueNamePattern;
    }

    /** Whether to declare the exchange and a queue per level, bound to its routing key, on every connect. Default {@value #DEFAULT_DECLARE}; false when the topology is managed elsewhere. */
    public void setDeclare(boolean declare) {
        this.declare = declare;
    }

    public boolean isDeclare() {
        return declare;
    }

    /** The declared queues' {@code x-message-ttl}. Default {@value #DEFAULT_MESSAGE_TTL_MILLIS} ms (7 days); 0 for none. */
    public void setMessageTtl(Duration messageTtl) {
        this.messageTtl = messageTtl;
    }

    public Duration getMessageTtl() {
        return messageTtl;
    }

    /** The declared queues' {@code x-max-length}. Default {@value #DEFAULT_MAX_LENGTH}; 0 for none. */
    public void setMaxLength(long maxLength) {
        this.maxLength = maxLength;
    }

    public long getMaxLength() {
        return maxLength;
    }

    /** The declared queues' {@code x-overflow}: {@code drop-head} (the broker's default), {@code reject-publish} (a full queue NACKs, and the appender retries) or {@code reject-publish-dlx}. */
    public void setOverflow(String overflow) {
        this.overflow = overflow;
    }

    public String getOverflow() {
        return overflow;
    }

    /** {@code classic} or {@code quorum} (replicated, for a cluster). Default {@value #DEFAULT_QUEUE_TYPE}. */
    public void setQueueType(String queueType) {
        this.queueType = queueType;
    }

    public String getQueueType() {
        return queueType;
    }

    /** {@code JSON} (the canonical event JSON) or {@code LOGHIVE} (LogHive's body). Default {@value #DEFAULT_FORMAT}. */
    public void setFormat(String format) {
        this.format = format;
    }

    public String getFormat() {
        return format;
    }

    /** Level names in routing keys and queue names: {@code LOGBACK} ({@code trace debug info warn error}) or {@code PYTHON} ({@code debug info warning error}, TRACE as debug). Default: PYTHON with format LOGHIVE, else LOGBACK. */
    public void setLevelNames(String levelNames) {
        this.levelNames = levelNames;
    }

    public String getLevelNames() {
        return levelNames;
    }

    /** Events per message: 1, or more for batched mode (format JSON only), where a message carries up to this many events of one routing key as {@code application/x-ndjson}. Default {@value #DEFAULT_EVENTS_PER_MESSAGE}. */
    public void setEventsPerMessage(int eventsPerMessage) {
        this.eventsPerMessage = eventsPerMessage;
    }

    public int getEventsPerMessage() {
        return eventsPerMessage;
    }

    /** Publish with {@code mandatory}: a message no queue takes is returned, and its events are counted as rejected. Default {@value #DEFAULT_MANDATORY}. */
    public void setMandatory(boolean mandatory) {
        this.mandatory = mandatory;
    }

    public boolean isMandatory() {
        return mandatory;
    }

    /**
     * How many channels of the connection publish, each with its own confirm window: more than one lets the broker
     * take messages in parallel, but the events of one thread may then reach their queue out of order. From 1 to
     * {@value #MAX_CHANNELS}; default {@value #DEFAULT_CHANNELS}.
     */
    public void setChannels(int channels) {
        this.channels = channels;
    }

    public int getChannels() {
        return channels;
    }

    /** The most messages published on a channel and not yet confirmed. Default {@value #DEFAULT_CONFIRM_WINDOW}. */
    public void setConfirmWindow(int confirmWindow) {
        this.confirmWindow = confirmWindow;
    }

    public int getConfirmWindow() {
        return confirmWindow;
    }

    /** How long an attempt waits for the broker's confirms before it is retried. Default {@value #DEFAULT_CONFIRM_TIMEOUT_MILLIS} ms. */
    public void setConfirmTimeout(Duration confirmTimeout) {
        this.confirmTimeout = confirmTimeout;
    }

    public Duration getConfirmTimeout() {
        return confirmTimeout;
    }

    /** The connection's name in the broker's management UI. Default {@code sluice-<appender name>}. */
    public void setConnectionName(String connectionName) {
        this.connectionName = connectionName;
    }

    public String getConnectionName() {
        return connectionName;
    }
}
