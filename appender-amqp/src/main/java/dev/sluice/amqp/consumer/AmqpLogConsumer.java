package dev.sluice.amqp.consumer;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.amqp.AmqpAppender;
import dev.sluice.amqp.AmqpConnections;
import dev.sluice.amqp.AmqpTopology;
import dev.sluice.amqp.AmqpWireFormat;
import dev.sluice.core.BatchSink;
import dev.sluice.core.json.EventJsonDecoder;
import dev.sluice.core.json.JsonLimits;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the log queues that {@link AmqpAppender} (or LogHive's producer) fills and writes their events to a
 * {@link BatchSink}, acknowledging a message only after the sink has committed it.
 *
 * <pre>{@code
 * try (AmqpLogConsumer consumer = AmqpLogConsumer.builder()
 *         .uri("amqp://guest:guest@127.0.0.1:5672/%2F")
 *         .services("orders", "billing")
 *         .sink(SqliteSinks.forFile(Path.of("central.db"), status))
 *         .build()) {
 *     consumer.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Guarantees: at least once. A message is acked after its events were written by the sink, or after its copy in
 * the failure queue was confirmed by the broker; a consumer that dies first leaves it unacked, and the broker delivers
 * it again. Invalid bodies (not canonical JSON, NDJSON or LogHive's body; over a limit; another content type) and
 * messages the sink refuses permanently or keeps failing on go to the failure queue with the header
 * {@value FailureReason#HEADER}; none is dropped. A message whose id was stored within the last {@code dedupWindow}
 * messages is skipped, so a republished or redelivered copy is stored once while this consumer runs.
 *
 * <p>Threads: {@code workers} workers, each with its own connection and channel ({@code prefetch} unacked messages at
 * most per queue it consumes); the sink is shared, and its calls are serialized.
 */
public final class AmqpLogConsumer implements AutoCloseable {

    /** Default {@code prefetch}, unacked messages per worker and queue: {@value} (LogHive's CONSUMER_BATCH_SIZE). */
    public static final int DEFAULT_PREFETCH = 1000;
    /** Default {@code batchSize}, events per sink write: {@value}. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default {@code maxBatchDelay} in milliseconds: {@value}. */
    public static final long DEFAULT_MAX_BATCH_DELAY_MILLIS = 200;
    /** Default {@code workers}: {@value}. */
    public static final int DEFAULT_WORKERS = 2;
    /** Default {@code failureQueue}: {@value}. */
    public static final String DEFAULT_FAILURE_QUEUE = "sluice_failed_logs";
    /** Default {@code maxSinkAttempts}: {@value}. */
    public static final int DEFAULT_MAX_SINK_ATTEMPTS = 5;
    /** Default {@code initialBackoff} in milliseconds: {@value}. */
    public static final long DEFAULT_INITIAL_BACKOFF_MILLIS = 200;
    /** Default {@code maxBackoff} in milliseconds: {@value}. */
    public static final long DEFAULT_MAX_BACKOFF_MILLIS = 10_000;
    /** Default {@code dedupWindow}, message ids remembered: {@value}. */
    public static final int DEFAULT_DEDUP_WINDOW = 100_000;
    /** Default {@code confirmTimeout} in milliseconds: {@value}. */
    public static final long DEFAULT_CONFIRM_TIMEOUT_MILLIS = 30_000;
    /** Default {@code shutdownGracePeriod} in milliseconds: {@value}. */
    public static final long DEFAULT_SHUTDOWN_GRACE_PERIOD_MILLIS = 10_000;
    /** Default {@code levelNames}: {@value}. */
    public static final String DEFAULT_LEVEL_NAMES = "LOGBACK";

    private static final Logger LOG = LoggerFactory.getLogger(AmqpLogConsumer.class);
    private static final long SUBSCRIBE_TIMEOUT_SECONDS = 30;

    private final Builder settings;
    private final AmqpTopology topology;
    private final ConsumerCounters counters = new ConsumerCounters();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<ConsumerWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private SinkWriter sinkWriter;
    private List<String> queues = List.of();
    private boolean started;
    private boolean closed;

    private AmqpLogConsumer(Builder settings) {
        this.settings = settings;
        this.topology = AmqpWireFormat.topology(
                settings.exchange,
                settings.routingKeyPattern,
                settings.queueNamePattern,
                settings.levelNames,
                settings.messageTtl.toMillis(),
                settings.maxLength);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Declares the failure queue, checks (or declares) the log queues, opens the sink and starts the workers; returns
     * once every worker consumes.
     *
     * @throws IOException if the broker cannot be reached, a queue is missing and may not be declared, or the
     *     management API cannot list the queues
     * @throws IllegalStateException if already started, or the workers did not subscribe in time
     */
    public synchronized void start() throws Exception {
        if (started) {
            throw new IllegalStateException("the consumer was started already");
        }
        started = true;
        ConnectionFactory factory = connectionFactory();
        try (Connection setup = factory.newConnection("sluice-consumer-setup")) {
            queues = resolveQueues(factory);
            if (queues.contains(settings.failureQueue)) {
                throw new IllegalStateException(
                        "the failure queue " + settings.failureQueue + " cannot be one of the queues consumed");
            }
            if (queues.isEmpty()) {
                throw new IllegalStateException("no log queue to consume: set services or queues (or allServices"
                        + " with a management API that lists some)");
            }
            try (Channel channel = setup.createChannel()) {
                channel.queueDeclare(settings.failureQueue, true, false, false, null);
            }
            for (String queue : queues) {
                ensureQueue(setup, queue);
            }
        }
        ConsumerSettings shared = new ConsumerSettings(
                queues,
                settings.prefetch,
                settings.batchSize,
                settings.maxBatchDelay,
                settings.failureQueue,
                settings.confirmTimeout,
                settings.maxBackoff);
        sinkWriter = new SinkWriter(
                settings.sink,
                settings.maxSinkAttempts,
                settings.initialBackoff,
                settings.maxBackoff,
                stopping,
                counters);
        sinkWriter.open();
        MessageDecoder decoder =
                new MessageDecoder(new EventJsonDecoder(settings.jsonLimits), settings.maxMessageBytes);
        DedupWindow dedup = new DedupWindow(settings.dedupWindow);
        for (int i = 1; i <= settings.workers; i++) {
            String name = "sluice-amqp-consumer-" + i;
            ConsumerWorker worker =
                    new ConsumerWorker(shared, factory, name, decoder, sinkWriter, dedup, counters, stopping);
            Thread thread = new Thread(worker, name);
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
        for (ConsumerWorker worker : workers) {
            if (!worker.subscribed().await(SUBSCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException("the workers did not subscribe to " + queues + " within "
                        + SUBSCRIBE_TIMEOUT_SECONDS + " s; see the log for why");
            }
        }
        LOG.info(
                "Consuming {} queues with {} workers into {}; failures go to {}.",
                queues.size(),
                workers.size(),
                settings.sink.getClass().getSimpleName(),
                settings.failureQueue);
    }

    private ConnectionFactory connectionFactory() throws Exception {
        ConnectionFactory factory = settings.connectionFactory;
        if (factory == null) {
            factory = new ConnectionFactory();
            factory.setUri(settings.uri);
            factory.setConnectionTimeout(5000);
        }
        // The workers reconnect themselves, so they know which deliveries a lost channel took with it.
        AmqpConnections.withoutRecovery(factory, "sluice-amqp-consumer-io");
        return factory;
    }

    private List<String> resolveQueues(ConnectionFactory factory) throws IOException, InterruptedException {
        List<String> levels = topology.levelNames();
        Set<String> names = new LinkedHashSet<>(settings.queues);
        for (String service : settings.services) {
            for (String level : levels) {
                names.add(topology.queueName(service, level));
            }
        }
        if (settings.managementApi != null) {
            names.addAll(ManagementApiQueues.list(
                    settings.managementApi,
                    factory.getVirtualHost(),
                    factory.getUsername(),
                    factory.getPassword(),
                    ManagementApiQueues.logQueuePattern(settings.queueNamePattern, levels)));
        }
        return List.copyOf(names);
    }

    /**
     * A queue that exists is used as it is (a passive declare never meets a 406 over different arguments); a missing
     * one of a named service is declared as the appender declares it, bound to its routing key, if declareQueues.
     */
    private void ensureQueue(Connection connection, String queue) throws IOException {
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return;
        } catch (IOException e) {
            if (!settings.declareQueues) {
                throw new IOException("the queue '" + queue + "' does not exist, and declareQueues is off", e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
        String[] serviceAndLevel = serviceAndLevel(queue);
        try (Channel channel = connection.createChannel()) {
            topology.declareExchange(channel);
            topology.declareQueue(channel, queue);
            if (serviceAndLevel != null) {
                topology.bind(channel, queue, serviceAndLevel[0], serviceAndLevel[1]);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    private String[] serviceAndLevel(String queue) {
        for (String service : settings.services) {
            for (String level : topology.levelNames()) {
                if (topology.queueName(service, level).equals(queue)) {
                    return new String[] {service, level};
                }
            }
        }
        return null;
    }

    /**
     * Stops consuming, lets each worker finish and ack the batch in hand (for up to {@code shutdownGracePeriod}; after
     * that the connections are cut and what was unacked goes back to the queues), then closes the sink. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed || !started) {
            closed = true;
            return;
        }
        closed = true;
        stopping.countDown();
        long deadline = System.nanoTime() + settings.shutdownGracePeriod.toNanos();
        for (Thread thread : threads) {
            join(thread, deadline);
        }
        for (int i = 0; i < threads.size(); i++) {
            if (threads.get(i).isAlive()) {
                LOG.warn(
                        "Worker {} did not finish its batch within the grace period; its unacked messages go back"
                                + " to the queues.",
                        threads.get(i).getName());
                workers.get(i).abort();
                threads.get(i).interrupt();
                join(threads.get(i), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            }
        }
        if (sinkWriter != null) {
            sinkWriter.close();
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The queues consumed, once started. */
    public List<String> getQueues() {
        return queues;
    }

    /** Messages delivered to the workers, valid or not, redeliveries included. */
    public long getConsumed() {
        return counters.consumed.sum();
    }

    /** Messages whose events the sink committed. */
    public long getStoredMessages() {
        return counters.storedMessages.sum();
    }

    /** Events the sink committed. */
    public long getStoredEvents() {
        return counters.storedEvents.sum();
    }

    /** Messages skipped because a message of the same id was stored already. */
    public long getDuplicatesSkipped() {
        return counters.duplicates.sum();
    }

    /** Messages moved to the failure queue for this reason. */
    public long getDeadLettered(FailureReason reason) {
        return counters.deadLettered(reason);
    }

    /** Messages moved to the failure queue, for any reason. */
    public long getDeadLettered() {
        return counters.deadLetteredTotal();
    }

    /** Sink writes retried after a retryable failure. */
    public long getSinkRetries() {
        return counters.sinkRetries.sum();
    }

    /** Messages acknowledged: stored, dead-lettered or skipped as duplicates. */
    public long getAcked() {
        return counters.acked.sum();
    }

    /** The consumer's settings; {@link #build()} checks them. Not thread-safe; build one consumer per builder. */
    public static final class Builder {

        private String uri = AmqpAppender.DEFAULT_URI;
        private ConnectionFactory connectionFactory;
        private final List<String> services = new ArrayList<>();
        private final List<String> queues = new ArrayList<>();
        private URI managementApi;
        private String levelNames = DEFAULT_LEVEL_NAMES;
        private String exchange = AmqpAppender.DEFAULT_EXCHANGE;
        private String queueNamePattern = AmqpAppender.DEFAULT_QUEUE_NAME_PATTERN;
        private String routingKeyPattern = AmqpAppender.DEFAULT_ROUTING_KEY_PATTERN;
        private boolean declareQueues = true;
        private Duration messageTtl = Duration.ofMillis(AmqpAppender.DEFAULT_MESSAGE_TTL_MILLIS);
        private long maxLength = AmqpAppender.DEFAULT_MAX_LENGTH;
        private int prefetch = DEFAULT_PREFETCH;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration maxBatchDelay = Duration.ofMillis(DEFAULT_MAX_BATCH_DELAY_MILLIS);
        private int workers = DEFAULT_WORKERS;
        private String failureQueue = DEFAULT_FAILURE_QUEUE;
        private int maxSinkAttempts = DEFAULT_MAX_SINK_ATTEMPTS;
        private Duration initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MILLIS);
        private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MILLIS);
        private int dedupWindow = DEFAULT_DEDUP_WINDOW;
        private Duration confirmTimeout = Duration.ofMillis(DEFAULT_CONFIRM_TIMEOUT_MILLIS);
        private Duration shutdownGracePeriod = Duration.ofMillis(DEFAULT_SHUTDOWN_GRACE_PERIOD_MILLIS);
        private JsonLimits jsonLimits = JsonLimits.defaults();
        private int maxMessageBytes = JsonLimits.DEFAULT_MAX_DOCUMENT_BYTES;
        private BatchSink<ILoggingEvent> sink;

        private Builder() {}

        /** The broker, {@code amqp://user:password@host:port/vhost}. Default {@value AmqpAppender#DEFAULT_URI}. */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** A configured factory (TLS, credentials, timeouts) instead of {@link #uri}; its recovery is turned off. */
        public Builder connectionFactory(ConnectionFactory connectionFactory) {
            this.connectionFactory = connectionFactory;
            return this;
        }

        /** Services whose level queues to consume: {@code <service>_<level>_logs} for every level. */
        public Builder services(String... services) {
            return services(List.of(services));
        }

        /** Services whose level queues to consume. */
        public Builder services(List<String> services) {
            this.services.addAll(services);
            return this;
        }

        /** More queues to consume, by name; they must exist. */
        public Builder queues(List<String> queues) {
            this.queues.addAll(queues);
            return this;
        }

        /**
         * Consume the log queues of every service, as the management HTTP API (for example
         * {@code http://127.0.0.1:15672/}) lists them at start: every queue named by the queue name pattern with
         * one of the levels. AMQP cannot list queues; services that appear later need a restart.
         */
        public Builder allServices(URI managementApi) {
            this.managementApi = managementApi;
            return this;
        }

        /** {@code LOGBACK} ({@code trace debug info warn error}) or {@code PYTHON} ({@code debug info warning error}). */
        public Builder levelNames(String levelNames) {
            this.levelNames = levelNames;
            return this;
        }

        /** The exchange a declared queue is bound to. Default {@value AmqpAppender#DEFAULT_EXCHANGE}. */
        public Builder exchange(String exchange) {
            this.exchange = exchange;
            return this;
        }

        /** Default {@value AmqpAppender#DEFAULT_QUEUE_NAME_PATTERN}, as the appender's. */
        public Builder queueNamePattern(String queueNamePattern) {
            this.queueNamePattern = queueNamePattern;
            return this;
        }

        /** Default {@value AmqpAppender#DEFAULT_ROUTING_KEY_PATTERN}, as the appender's. */
        public Builder routingKeyPattern(String routingKeyPattern) {
            this.routingKeyPattern = routingKeyPattern;
            return this;
        }

        /**
         * Whether a missing queue of a named service is declared (durable, bound, with {@link #messageTtl} and
         * {@link #maxLength}, as the appender declares it), so no message published before the appender's first
         * connect is unroutable. Default true. An existing queue is never declared again.
         */
        public Builder declareQueues(boolean declareQueues) {
            this.declareQueues = declareQueues;
            return this;
        }

        /** {@code x-message-ttl} of a declared queue. Default 7 days, as the appender's. */
        public Builder messageTtl(Duration messageTtl) {
            this.messageTtl = messageTtl;
            return this;
        }

        /** {@code x-max-length} of a declared queue. Default {@value AmqpAppender#DEFAULT_MAX_LENGTH}. */
        public Builder maxLength(long maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Unacked messages per worker and queue (per consumer: quorum queues have no channel-wide prefetch). Default
         * {@value #DEFAULT_PREFETCH}.
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Events per sink write, at most. Default {@value #DEFAULT_BATCH_SIZE}. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** How long a batch waits for more messages after its first. Default {@value #DEFAULT_MAX_BATCH_DELAY_MILLIS} ms. */
        public Builder maxBatchDelay(Duration maxBatchDelay) {
            this.maxBatchDelay = maxBatchDelay;
            return this;
        }

        /** Worker threads, each with a connection and channel. Default {@value #DEFAULT_WORKERS}. */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** The durable queue invalid and refused messages go to. Default {@value #DEFAULT_FAILURE_QUEUE}. */
        public Builder failureQueue(String failureQueue) {
            this.failureQueue = failureQueue;
            return this;
        }

        /** Sink writes per batch before its messages are dead-lettered. Default {@value #DEFAULT_MAX_SINK_ATTEMPTS}. */
        public Builder maxSinkAttempts(int maxSinkAttempts) {
            this.maxSinkAttempts = maxSinkAttempts;
            return this;
        }

        /** Backoff before the first retry, doubling up to {@link #maxBackoff}. Default {@value #DEFAULT_INITIAL_BACKOFF_MILLIS} ms. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** Longest backoff, for sink retries and reconnects. Default {@value #DEFAULT_MAX_BACKOFF_MILLIS} ms. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Message ids remembered to skip duplicates; 0 turns it off. Default {@value #DEFAULT_DEDUP_WINDOW}. */
        public Builder dedupWindow(int dedupWindow) {
            this.dedupWindow = dedupWindow;
            return this;
        }

        /** How long to wait for the broker to confirm dead-lettered copies. Default {@value #DEFAULT_CONFIRM_TIMEOUT_MILLIS} ms. */
        public Builder confirmTimeout(Duration confirmTimeout) {
            this.confirmTimeout = confirmTimeout;
            return this;
        }

        /** How long {@link AmqpLogConsumer#close()} lets workers finish their batch. Default {@value #DEFAULT_SHUTDOWN_GRACE_PERIOD_MILLIS} ms. */
        public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
            this.shutdownGracePeriod = shutdownGracePeriod;
            return this;
        }

        /** Limits on each decoded document. Default {@link JsonLimits#defaults()}. */
        public Builder jsonLimits(JsonLimits jsonLimits) {
            this.jsonLimits = jsonLimits;
            return this;
        }

        /** Larger bodies are dead-lettered as {@code too_large}. Default {@value JsonLimits#DEFAULT_MAX_DOCUMENT_BYTES} (16 MiB). */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** Where the events go: the SQLite sink, {@link LoggerContextSink}, any {@link BatchSink}. Required. */
        public Builder sink(BatchSink<ILoggingEvent> sink) {
            this.sink = sink;
            return this;
        }

        /**
         * A consumer with these settings, not started.
         *
         * @throws IllegalArgumentException naming every setting that is wrong
         */
        public AmqpLogConsumer build() {
            List<String> errors = new ArrayList<>();
            if (sink == null) {
                errors.add("sink is required");
            }
            if (services.isEmpty() && queues.isEmpty() && managementApi == null) {
                errors.add("name services, queues, or allServices(managementApi): AMQP cannot list queues");
            }
            services.forEach(s -> {
                if (s == null || s.isBlank()) {
                    errors.add("a service name must not be empty");
                }
            });
            try {
                AmqpWireFormat.levelNames(levelNames);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
            if (uri == null && connectionFactory == null) {
                errors.add("uri or connectionFactory is required");
            }
            positive(errors, "prefetch", prefetch);
            positive(errors, "batchSize", batchSize);
            positive(errors, "workers", workers);
            positive(errors, "maxSinkAttempts", maxSinkAttempts);
            positive(errors, "maxMessageBytes", maxMessageBytes);
            if (prefetch > 65_535) {
                errors.add("prefetch must be at most 65535 (AMQP's limit), was " + prefetch);
            }
            if (dedupWindow < 0) {
                errors.add("dedupWindow must not be negative, was " + dedupWindow);
            }
            if (failureQueue == null || failureQueue.isBlank()) {
                errors.add("failureQueue must not be empty");
            }
            for (Duration d : List.of(maxBatchDelay, initialBackoff, maxBackoff, confirmTimeout, shutdownGracePeriod)) {
                if (d == null || d.isNegative()) {
                    errors.add("durations must be set and not negative");
                    break;
                }
            }
            Objects.requireNonNull(jsonLimits, "jsonLimits");
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("AmqpLogConsumer: " + String.join("; ", errors) + ".");
            }
            return new AmqpLogConsumer(this);
        }

        private static void positive(List<String> errors, String name, int value) {
            if (value < 1) {
                errors.add(name + " must be at least 1, was " + value);
            }
        }
    }

    @Override
    public String toString() {
        return "AmqpLogConsumer" + Map.of("queues", queues, "failureQueue", settings.failureQueue);
    }
}
