package dev.sluice.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The connection factory of the settings: from the URI ({@code amqp://} or {@code amqps://}), with the address list
 * replacing its host for failover, and without the client's automatic recovery (the sink reconnects itself, so that
 * it knows which messages a lost channel took with it). Its threads are daemons: a connection the application forgot
 * to stop never keeps the JVM alive.
 */
public final class AmqpConnections {

    private AmqpConnections() {}

    /** The parts of the connection settings that {@code start()} checked. */
    record Options(
            String uri,
            String addresses,
            String virtualHost,
            String username,
            String password,
            String tlsCaCertFile,
            String tlsCertFile,
            String tlsKeyFile,
            int heartbeatSeconds,
            int connectionTimeoutMillis,
            int handshakeTimeoutMillis,
            String threadName) {}

    /** A configured factory; any problem is added to {@code errors}, and then the result is null. */
    static ConnectionFactory factory(Options options, List<String> errors) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(options.uri());
        } catch (Exception e) {
            errors.add("uri '" + display(options.uri()) + "' is not an AMQP URI (amqp://user:password@host:port/vhost,"
                    + " amqps:// for TLS): " + e.getMessage() + ".");
            return null;
        }
        if (options.virtualHost() != null) {
            factory.setVirtualHost(options.virtualHost());
        }
        if (options.username() != null) {
            factory.setUsername(options.username());
        }
        if (options.password() != null) {
            factory.setPassword(options.password());
        }
        if (!configureTls(factory, options, errors)) {
            return null;
        }
        factory.setRequestedHeartbeat(options.heartbeatSeconds());
        factory.setConnectionTimeout(options.connectionTimeoutMillis());
        factory.setHandshakeTimeout(options.handshakeTimeoutMillis());
        // Declaring the topology is an RPC: the client's default would wait 10 minutes on a silent broker.
        factory.setChannelRpcTimeout(options.handshakeTimeoutMillis());
        withoutRecovery(factory, options.threadName());
        return factory;
    }

    /**
     * Turns off the client's automatic recovery, for a caller that reconnects itself and so knows what a lost channel
     * took with it (unconfirmed publishes, unacked deliveries), and makes the factory's threads daemons named
     * {@code <threadName>-<n>}, so that a connection never keeps the JVM alive.
     */
    public static void withoutRecovery(ConnectionFactory factory, String threadName) {
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setThreadFactory(daemonThreads(threadName));
    }

    /**
     * {@code amqps://} alone would make the client trust every certificate; the sink trusts the CA file, else the
     * JVM's trusted CAs, and checks the host name.
     */
    private static boolean configureTls(ConnectionFactory factory, Options options, List<String> errors) {
        boolean tls = factory.isSSL();
        boolean files =
                options.tlsCaCertFile() != null || options.tlsCertFile() != null || options.tlsKeyFile() != null;
        if (!tls) {
            if (files) {
                errors.add("tlsCaCertFile, tlsCertFile and tlsKeyFile need an amqps:// uri.");
            }
            return !files;
        }
        if ((options.tlsCertFile() == null) != (options.tlsKeyFile() == null)) {
            errors.add("tlsCertFile and tlsKeyFile go together: set both for mutual TLS, or neither.");
            return false;
        }
        try {
            SSLContext context = files
                    ? PemTls.context(options.tlsCaCertFile(), options.tlsCertFile(), options.tlsKeyFile())
                    : SSLContext.getDefault();
            factory.useSslProtocol(context);
            factory.enableHostnameVerification();
            return true;
        } catch (Exception e) {
            errors.add("cannot use the TLS files (tlsCaCertFile " + options.tlsCaCertFile() + ", tlsCertFile "
                    + options.tlsCertFile() + ", tlsKeyFile " + options.tlsKeyFile() + "): " + e + ".");
            return false;
        }
    }

    /** The addresses to try in order: the list if given ({@code host[:port]}, comma-separated), else the URI's. */
    static List<Address> addresses(ConnectionFactory factory, String addresses, List<String> errors) {
        if (addresses == null || addresses.isBlank()) {
            return List.of(new Address(factory.getHost(), factory.getPort()));
        }
        try {
            return List.of(Address.parseAddresses(addresses.trim()));
        } catch (RuntimeException e) {
            errors.add("addresses '" + addresses + "' is not a list of host[:port] separated by commas: "
                    + e.getMessage() + ".");
            return List.of();
        }
    }

    /** The broker for status messages: scheme, user, addresses and virtual host, never the password. */
    static String display(ConnectionFactory factory, List<Address> addresses) {
        StringBuilder text = new StringBuilder(factory.isSSL() ? "amqps://" : "amqp://");
        text.append(factory.getUsername()).append('@');
        for (int i = 0; i < addresses.size(); i++) {
            text.append(i == 0 ? "" : ",").append(addresses.get(i).getHost());
            int port = addresses.get(i).getPort();
            text.append(':').append(port > 0 ? port : factory.getPort());
        }
        return text.append('/')
                .append(URLEncoder.encode(factory.getVirtualHost(), StandardCharsets.UTF_8))
                .toString();
    }

    /** A URI with any password replaced by {@code ***}, for an error about the URI itself. */
    static String display(String uri) {
        return uri == null ? "null" : uri.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
