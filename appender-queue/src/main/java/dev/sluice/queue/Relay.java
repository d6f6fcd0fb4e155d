package dev.sluice.queue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;

/**
 * The relay from code, as the seed's {@code QueueListener} / {@code QueueHandler} pair: the parent starts a server
 * and passes its address to the children it starts; each child makes itself a worker whose root logger sends
 * everything to the parent.
 *
 * <pre>{@code
 * RelayServer server = Relay.startServer(context);            // parent
 * ProcessBuilder child = new ProcessBuilder(...);
 * Relay.passTo(server, child.environment());
 *
 * Relay.configureWorker(context);                               // child
 * }</pre>
 */
public final class Relay {

    /** The environment variable that passes a TCP server's token file to the children. */
    public static final String TOKEN_FILE_VARIABLE = "SLUICE_RELAY_TOKEN_FILE";

    private Relay() {}

    /** Starts a server with the defaults (Unix-domain socket) that dispatches into {@code context}. */
    public static RelayServer startServer(LoggerContext context) {
        RelayServer server = new RelayServer();
        server.setContext(context);
        server.start();
        if (!server.isStarted()) {
            throw new IllegalStateException("the relay server did not start; see the context's status messages: "
                    + context.getStatusManager().getCopyOfStatusList());
        }
        return server;
    }

    /** Puts the server's address (and TCP token file) into a child's environment. */
    public static void passTo(RelayServer server, Map<String, String> environment) {
        environment.put(RelayAddress.ENVIRONMENT_VARIABLE, server.address().toString());
        if (server.tokenFile() != null) {
            environment.put(TOKEN_FILE_VARIABLE, server.tokenFile().toString());
        }
    }

    /**
     * Makes this process a worker: a started {@link RelayAppender} named {@code RELAY} on the root logger, to the
     * inherited address, replacing the root's other appenders.
     */
    public static RelayAppender configureWorker(LoggerContext context) {
        return configureWorker(context, RelayAddress.inherited(), false);
    }

    /** Makes this process a worker of the server at {@code address}; keeps the root's other appenders if asked. */
    public static RelayAppender configureWorker(LoggerContext context, String address, boolean keepOtherAppenders) {
        RelayAppender appender = new RelayAppender();
        appender.setContext(context);
        appender.setName("RELAY");
        appender.setAddress(address);
        String tokenFile = System.getenv(TOKEN_FILE_VARIABLE);
        if (tokenFile != null) {
            appender.setTokenFile(tokenFile);
        }
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException("the relay appender did not start; see the context's status messages: "
                    + context.getStatusManager().getCopyOfStatusList());
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!keepOtherAppenders) {
            root.detachAndStopAllAppenders();
        }
        root.addAppender(appender);
        return appender;
    }
}
