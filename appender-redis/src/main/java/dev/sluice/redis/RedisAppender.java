package dev.sluice.redis;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.Duration;
import dev.sluice.core.BatchSink;
import dev.sluice.core.JsonEventAppenderBase;
import dev.sluice.core.json.EventJsonEncoder;
import dev.sluice.core.json.EventJsonParts;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Ships log events to Redis over Lettuce: every event goes to the global channel and, when the MDC names a context
 * (a job, a user), to that context's channel, by PUBLISH (live followers) and XADD to a capped stream
 * {@code stream:<channel>} (late readers). One Lua script call (or, for a Cluster, one pipeline) per batch over one
 * worker-owned connection.
 *
 * <pre>{@code
 * <appender name="REDIS" class="dev.sluice.redis.RedisAppender">
 *   <uri>redis://127.0.0.1:6379</uri>
 *   <contextKey>jobId</contextKey>
 * </appender>
 * }</pre>
 *
 * <p>For a Redis Cluster, set {@code <cluster>true</cluster>} and list one or more seed nodes in {@code uri},
 * separated by commas; each stream key then lands on the node serving its slot.
 */
public class RedisAppender extends JsonEventAppenderBase {

    /** Default {@code uri}: {@value}. */
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    /** Default {@code target}: {@value}. */
    public static final String DEFAULT_TARGET = "BOTH";
    /** Default {@code channelPrefix}: {@value}. */
    public static final String DEFAULT_CHANNEL_PREFIX = "logs";
    /** Default {@code globalChannel} name under the prefix: {@value} (so {@code logs:global}). */
    public static final String DEFAULT_GLOBAL_CHANNEL = "global";
    /** Default {@code contextKey}, the MDC key naming the context: {@value}, as the seed's context variable. */
    public static final String DEFAULT_CONTEXT_KEY = "user_id";
    /** Default {@code maxContextIdLength}: {@value}. */
    public static final int DEFAULT_MAX_CONTEXT_ID_LENGTH = 64;
    /** Default {@code maxLen} of each stream ({@code MAXLEN ~}): {@value}. */
    public static final long DEFAULT_MAX_LEN = 1000;
    /** Default {@code contextTtl} in seconds: {@value} (one hour). */
    public static final long DEFAULT_CONTEXT_TTL_SECONDS = 3600;
    /** Default {@code globalTtl} in seconds: {@value} (24 hours). */
    public static final long DEFAULT_GLOBAL_TTL_SECONDS = 86_400;
    /** Default {@code format}: {@value}. */
    public static final String DEFAULT_FORMAT = "JSON";
    /** Default {@code commandTimeout} in milliseconds: {@value}. */
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 2000;
    /** Default {@code connectTimeout} in milliseconds: {@value}. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;
    /** Default {@code cluster}: {@value} (one Redis server, or Sentinel). */
    public static final boolean DEFAULT_CLUSTER = false;
    /** Default {@code clusterRefreshPeriod} in seconds: {@value}. */
    public static final long DEFAULT_CLUSTER_REFRESH_PERIOD_SECONDS = 60;
    /** Default {@code publishCommand}: {@value}. */
    public static final String DEFAULT_PUBLISH_COMMAND = "PUBLISH";
    /** Default {@code batchCommand}: {@value} (a Redis Cluster always gets pipelines). */
    public static final String DEFAULT_BATCH_COMMAND = "SCRIPT";

    private String uri = DEFAULT_URI;
    private String tlsCaCertFile;
    private String tlsCertFile;
    private String tlsKeyFile;
    private boolean cluster = DEFAULT_CLUSTER;
    private Duration clusterRefreshPeriod = Duration.buildBySeconds(DEFAULT_CLUSTER_REFRESH_PERIOD_SECONDS);
    private String publishCommand = DEFAULT_PUBLISH_COMMAND;
    private String batchCommand = DEFAULT_BATCH_COMMAND;
    private String target = DEFAULT_TARGET;
    private String channelPrefix = DEFAULT_CHANNEL_PREFIX;
    private String globalChannel = DEFAULT_GLOBAL_CHANNEL;
    private String contextKey = DEFAULT_CONTEXT_KEY;
    private String defaultContextId;
    private int maxContextIdLength = DEFAULT_MAX_CONTEXT_ID_LENGTH;
    private long maxLen = DEFAULT_MAX_LEN;
    private Duration contextTtl = Duration.buildBySeconds(DEFAULT_CONTEXT_TTL_SECONDS);
    private Duration globalTtl = Duration.buildBySeconds(DEFAULT_GLOBAL_TTL_SECONDS);
    private String format = DEFAULT_FORMAT;
    private Duration commandTimeout = Duration.buildByMilliseconds(DEFAULT_COMMAND_TIMEOUT_MILLIS);
    private Duration connectTimeout = Duration.buildByMilliseconds(DEFAULT_CONNECT_TIMEOUT_MILLIS);

    private List<RedisURI> parsedUris;
    private SslOptions sslOptions;
    private RedisTarget parsedTarget;
    private PublishCommand parsedPublishCommand;
    private BatchCommand parsedBatchCommand;

    @Override
    protected String workerKind() {
        return "redis";
    }

    /** Lettuce and Netty log through SLF4J, reconnects included; those events must not come back here. */
    @Override
    protected List<String> defaultExcludedLoggerPrefixes() {
        return List.of("io.lettuce.", "io.netty.", "reactor.");
    }

    @Override
    protected void validateSinkSettings(List<String> errors) {
        parsedUris = RedisUris.parse(uri, cluster, errors);
        sslOptions = RedisTls.options(tlsCaCertFile, tlsCertFile, tlsKeyFile, parsedUris, errors);
        try {
            parsedTarget = RedisTarget.valueOf(upper(target));
        } catch (IllegalArgumentException e) {
            errors.add("target must be PUBLISH, STREAM or BOTH, was '" + target + "'.");
        }
        try {
            parsedPublishCommand = PublishCommand.valueOf(upper(publishCommand));
        } catch (IllegalArgumentException e) {
            errors.add("publishCommand must be PUBLISH or SPUBLISH, was '" + publishCommand + "'.");
        }
        try {
            parsedBatchCommand = BatchCommand.valueOf(upper(batchCommand));
        } catch (IllegalArgumentException e) {
            errors.add("batchCommand must be SCRIPT or PIPELINE, was '" + batchCommand + "'.");
        }
        requireNonNegative(errors, "clusterRefreshPeriod", clusterRefreshPeriod);
        if (!upper(format).equals("JSON") && !upper(format).equals("SEED")) {
            errors.add("format must be JSON or SEED, was '" + format + "'.");
        }
        if (channelPrefix == null || channelPrefix.isBlank() || hasGlobOrSpace(channelPrefix)) {
            errors.add("channelPrefix must be non-blank without spaces or glob characters (* ? [ ]), was '"
                    + channelPrefix + "'.");
        }
        if (globalChannel == null || globalChannel.isBlank() || hasGlobOrSpace(globalChannel)) {
            errors.add(
                    "globalChannel must be non-blank without spaces or glob characters, was '" + globalChannel + "'.");
        }
        if (contextKey == null || contextKey.isBlank()) {
            errors.add("contextKey must name an MDC key.");
        }
        if (maxContextIdLength < ChannelNames.MIN_ID_LENGTH) {
            errors.add("maxContextIdLength must be at least " + ChannelNames.MIN_ID_LENGTH + ", was "
                    + maxContextIdLength + ".");
        }
        if (maxLen < 0) {
            errors.add("maxLen must not be negative, was " + maxLen + ".");
        }
        requireNonNegative(errors, "contextTtl", contextTtl);
        requireNonNegative(errors, "globalTtl", globalTtl);
        if (commandTimeout == null || commandTimeout.getMilliseconds() < 1) {
            errors.add("commandTimeout must be at least 1 millisecond, was " + commandTimeout + ".");
        }
        if (connectTimeout == null || connectTimeout.getMilliseconds() < 1) {
            errors.add("connectTimeout must be at least 1 millisecond, was " + connectTimeout + ".");
        }
    }

    private static boolean hasGlobOrSpace(String name) {
        return name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == ']' || Character.isWhitespace(c));
    }

    private static String upper(String value) {
        return value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    }

    @Override
    protected BatchSink<ILoggingEvent> createSink() {
        Function<ILoggingEvent, byte[]> payload;
        if (upper(format).equals("SEED")) {
            payload = new SeedPayload(new EventJsonParts(jsonSettings()))::encode;
        } else {
            payload = new EventJsonEncoder(jsonSettings())::encode;
        }
        ChannelNames names = new ChannelNames(channelPrefix, channelPrefix + ":" + globalChannel, maxContextIdLength);
        return new RedisSink(
                new RedisSinkSettings(
                        parsedUris,
                        cluster,
                        java.time.Duration.ofMillis(clusterRefreshPeriod.getMilliseconds()),
                        RedisUris.display(parsedUris, cluster),
                        sslOptions,
                        parsedTarget,
                        parsedPublishCommand,
                        parsedBatchCommand,
                        names,
                        contextKey,
                        defaultContextId == null || defaultContextId.isEmpty() ? null : defaultContextId,
                        maxLen,
                        contextTtl.getMilliseconds() / 1000,
                        globalTtl.getMilliseconds() / 1000,
                        java.time.Duration.ofMillis(commandTimeout.getMilliseconds()),
                        java.time.Duration.ofMillis(connectTimeout.getMilliseconds()),
                        // A few batches in flight at most: the core's queue is the buffer, not Lettuce's.
                        Math.max(1024, getBatchSize() * 8),
                        payload),
                this,
                getName());
    }

    /**
     * The Redis URI: {@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS, or Sentinel. With
     * {@code cluster}, one or more seed nodes separated by commas. Default {@value #DEFAULT_URI}.
     */
    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getUri() {
        return uri;
    }

    /**
     * A PEM file of the CA certificates to trust for a {@code rediss://} uri, such as a private CA; default none (the
     * JVM's trusted CAs). How strictly the server's certificate is checked is the uri's {@code verifyPeer}: FULL (the
     * default, CA and host name), CA, or NONE.
     */
    public void setTlsCaCertFile(String tlsCaCertFile) {
        this.tlsCaCertFile = tlsCaCertFile;
    }

    public String getTlsCaCertFile() {
        return tlsCaCertFile;
    }

    /** A PEM client certificate (chain) to present for mutual TLS, with {@code tlsKeyFile}; default none. */
    public void setTlsCertFile(String tlsCertFile) {
        this.tlsCertFile = tlsCertFile;
    }

    public String getTlsCertFile() {
        return tlsCertFile;
    }

    /** The unencrypted PKCS#8 PEM private key of {@code tlsCertFile}; default none. */
    public void setTlsKeyFile(String tlsKeyFile) {
        this.tlsKeyFile = tlsKeyFile;
    }

    public String getTlsKeyFile() {
        return tlsKeyFile;
    }

    /**
     * Whether {@code uri} names the seed nodes of a Redis Cluster, which is then written to over a cluster connection
     * that sends each command to the node serving its key. Default {@value #DEFAULT_CLUSTER}.
     */
    public void setCluster(boolean cluster) {
        this.cluster = cluster;
    }

    public boolean isCluster() {
        return cluster;
    }

    /**
     * How often a cluster connection reloads the cluster's slots and nodes, besides reloading them on MOVED or ASK
     * redirects, persistent reconnects and unknown nodes; 0 reloads only on those. Default 60 seconds.
     */
    public void setClusterRefreshPeriod(Duration clusterRefreshPeriod) {
        this.clusterRefreshPeriod = clusterRefreshPeriod;
    }

    public Duration getClusterRefreshPeriod() {
        return clusterRefreshPeriod;
    }

    /**
     * {@code PUBLISH} (the default), which a Redis Cluster forwards to every node, or {@code SPUBLISH} (sharded
     * pub/sub, Redis 7+), which stays on the shard serving the channel; its subscribers must use {@code SSUBSCRIBE}.
     */
    public void setPublishCommand(String publishCommand) {
        this.publishCommand = publishCommand;
    }

    public String getPublishCommand() {
        return publishCommand;
    }

    /**
     * {@code SCRIPT} (the default): each batch is one call of a Lua script that Redis loads once ({@code EVALSHA}),
     * far cheaper than one command per channel and event; a server that refuses scripts (ACL, renamed commands) gets
     * pipelines instead, after one warning. {@code PIPELINE}: one pipelined command per channel and event. A Redis
     * Cluster always gets pipelines, as a script's keys would have to share a slot.
     */
    public void setBatchCommand(String batchCommand) {
        this.batchCommand = batchCommand;
    }

    public String getBatchCommand() {
        return batchCommand;
    }

    /** {@code BOTH} (the default): PUBLISH and XADD; {@code PUBLISH} or {@code STREAM} for one of them. */
    public void setTarget(String target) {
        this.target = target;
    }

    public String getTarget() {
        return target;
    }

    /** The first part of every channel name. Default {@value #DEFAULT_CHANNEL_PREFIX}. */
    public void setChannelPrefix(String channelPrefix) {
        this.channelPrefix = channelPrefix;
    }

    public String getChannelPrefix() {
        return channelPrefix;
    }

    /** The global channel under the prefix. Default {@value #DEFAULT_GLOBAL_CHANNEL} ({@code logs:global}). */
    public void setGlobalChannel(String globalChannel) {
        this.globalChannel = globalChannel;
    }

    public String getGlobalChannel() {
        return globalChannel;
    }

    /** The MDC key whose value names the context channel. Default {@value #DEFAULT_CONTEXT_KEY}. */
    public void setContextKey(String contextKey) {
        this.contextKey = contextKey;
    }

    public String getContextKey() {
        return contextKey;
    }

    /** The context of events without the MDC key; default none (they go to the global channel only). */
    public void setDefaultContextId(String defaultContextId) {
        this.defaultContextId = defaultContextId;
    }

    public String getDefaultContextId() {
        return defaultContextId;
    }

    /** The longest context id used as it is in a channel name. Default {@value #DEFAULT_MAX_CONTEXT_ID_LENGTH}. */
    public void setMaxContextIdLength(int maxContextIdLength) {
        this.maxContextIdLength = maxContextIdLength;
    }

    public int getMaxContextIdLength() {
        return maxContextIdLength;
    }

    /** Each stream is trimmed to about this many entries ({@code MAXLEN ~}); 0 does not trim. Default 1000. */
    public void setMaxLen(long maxLen) {
        this.maxLen = maxLen;
    }

    public long getMaxLen() {
        return maxLen;
    }

    /** TTL of a context's stream, renewed by each batch that writes to it; 0 for none. Default 1 hour. */
    public void setContextTtl(Duration contextTtl) {
        this.contextTtl = contextTtl;
    }

    public Duration getContextTtl() {
        return contextTtl;
    }

    /** TTL of the global stream, renewed by each batch; 0 for none. Default 24 hours. */
    public void setGlobalTtl(Duration globalTtl) {
        this.globalTtl = globalTtl;
    }

    public Duration getGlobalTtl() {
        return globalTtl;
    }

    /** {@code JSON} (the canonical event JSON, the default) or {@code SEED} (the seed handler's payload). */
    public void setFormat(String format) {
        this.format = format;
    }

    public String getFormat() {
        return format;
    }

    /** How long a batch waits for Redis's replies before it fails and is retried. Default 2 seconds. */
    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    /** How long a connection attempt may take. Default 2 seconds. */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }
}
