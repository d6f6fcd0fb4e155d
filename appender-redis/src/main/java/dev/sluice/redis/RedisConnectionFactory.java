package dev.sluice.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ConnectionIntent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Opens the worker's connection, to one Redis ({@link RedisClient}) or to a Redis Cluster ({@link RedisClusterClient}),
 * with manual flushing. Both clients get the same protections, so that the core's queue stays the only buffer: commands
 * are rejected while disconnected, the request queue is bounded, TCP keepalive is on, and nothing is
 * replayed after a reconnect (the sink retries a failed batch itself). A cluster client also refreshes its view of the
 * slots on MOVED/ASK redirects, persistent reconnects and unknown nodes, and every {@code clusterRefreshPeriod}.
 * With TLS files configured, both use them ({@link RedisTls}); a Sentinel URI makes the client ask the sentinels for
 * the primary on every (re)connect, so a reconnect after a failover reaches the new primary.
 */
final class RedisConnectionFactory {

    /** String keys and channels, payloads as the bytes the appender encoded. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /**
     * A connection with manual flushing, its commands (the same API for one Redis and for a cluster), and what to run
     * before each batch.
     */
    record Link(
            StatefulConnection<String, byte[]> connection,
            RedisClusterAsyncCommands<String, byte[]> commands,
            Runnable beforeBatch) {}

    private final RedisSinkSettings settings;
    private final AbstractRedisClient client;

    RedisConnectionFactory(RedisSinkSettings settings) {
        this.settings = settings;
        if (settings.cluster()) {
            settings.uris().forEach(this::boundHandshake);
            RedisClusterClient clusterClient = RedisClusterClient.create(settings.uris());
            clusterClient.setOptions(protect(ClusterClientOptions.builder())
                    .topologyRefreshOptions(topologyRefresh(settings.clusterRefreshPeriod()))
                    .build());
            client = clusterClient;
        } else {
            settings.uris().forEach(this::boundHandshake);
            RedisClient standalone = RedisClient.create(settings.uris().get(0));
            standalone.setOptions(protect(ClientOptions.builder()).build());
            client = standalone;
        }
    }

    /**
     * The URI's timeout bounds the handshake (HELLO, AUTH, SELECT) after the TCP connect, 60 s unless set: against a
     * server that accepts but never answers, a connect would hold the worker that long. Set in place, because
     * {@code RedisURI.builder(uri)} would not copy a Sentinel URI's sentinels.
     */
    private void boundHandshake(RedisURI uri) {
        uri.setTimeout(settings.connectTimeout());
    }

    private <B extends ClientOptions.Builder> B protect(B builder) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // Never replay after a reconnect: the pipeline retries the batch itself, once.
                .replayFilter(command -> true)
                .requestQueueSize(settings.requestQueueSize())
                // No per-command timeout: Lettuce would complete expired commands on its timer thread while the event
                // loop is still writing the pipeline, and skip them, so Redis would run the batch with holes. The
                // sink's deadline for the whole batch closes the connection instead.
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(settings.connectTimeout())
                        .keepAlive(true)
                        .build());
        if (settings.sslOptions() != null) {
            builder.sslOptions(settings.sslOptions());
        }
        return builder;
    }

    private static ClusterTopologyRefreshOptions topologyRefresh(Duration period) {
        ClusterTopologyRefreshOptions.Builder refresh =
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers();
        if (!period.isZero()) {
            refresh.enablePeriodicRefresh(period);
        }
        return refresh.build();
    }

    /**
     * A new connection with automatic flushing off.
     *
     * @throws RuntimeException when no connection (or, for a cluster, no view of its slots) can be had
     */
    Link connect() {
        try {
            return open();
        } catch (RuntimeException e) {
            throw explained(e);
        }
    }

    private Link open() {
        if (client instanceof RedisClusterClient clusterClient) {
            StatefulRedisClusterConnection<String, byte[]> opened = clusterClient.connect(CODEC);
            opened.setAutoFlushCommands(false);
            return new Link(opened, opened.async(), () -> connectToEveryPrimary(opened));
        }
        StatefulRedisConnection<String, byte[]> opened = ((RedisClient) client).connect(CODEC);
        opened.setAutoFlushCommands(false);
        return new Link(opened, opened.async(), () -> {});
    }

    /**
     * Opens the connection to each primary that serves slots and has none yet (the first batch, a new primary after a
     * failover), waiting at most {@code connectTimeout}. Lettuce opens them lazily, and with REJECT_COMMANDS it
     * rejects a command whose node connection is still opening: without this, part of a batch would fail and be sent
     * again. A primary that cannot be reached is left to the batch: its commands fail and the batch is retried.
     */
    private void connectToEveryPrimary(StatefulRedisClusterConnection<String, byte[]> connection) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
                try {
                    CompletableFuture<?> nodeConnection = connection.getConnectionAsync(
                            node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE);
                    if (!nodeConnection.isDone()) {
                        opening.add(nodeConnection);
                    }
                } catch (RuntimeException e) {
                    // a node the view no longer holds: the batch's commands go where the view says
                }
            }
        }
        if (opening.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
                    .get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // left to the batch, as above
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lettuce reports a refused password or a failed TLS handshake as "Unable to connect" with the reason deep in the
     * causes: this says which setting to check. Neither message holds the password.
     */
    private static RuntimeException explained(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof SSLException) {
                return new RedisConnectionException(
                        "TLS handshake failed (" + message + "); check tlsCaCertFile,"
                                + " tlsCertFile and tlsKeyFile, and verifyPeer in the uri",
                        failure);
            }
            if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
                return new RedisConnectionException(
                        "Redis refused the credentials (" + message + "); check the user"
                                + " and password in the uri, and the user's ACL",
                        failure);
            }
        }
        return failure;
    }

    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
