package dev.sluice.queue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import ch.qos.logback.core.util.Duration;

/**
 * Runs a {@link RelayServer} for as long as the Logback context lives: declare it in the central process's
 * {@code logback.xml} and Logback starts it with the context and stops it with the context (or a reconfiguration).
 *
 * <pre>{@code
 * <contextListener class="dev.sluice.queue.RelayServerListener">
 *   <transport>unix</transport>
 * </contextListener>
 * }</pre>
 *
 * Every {@link RelayServer} setting can be set here. The address is shown in the status messages and published as the
 * system property {@value RelayAddress#SYSTEM_PROPERTY}, so that code in this process can pass it to its workers.
 */
public class RelayServerListener extends ContextAwareBase implements LoggerContextListener, LifeCycle {

    private final RelayServer server = new RelayServer();
    private boolean started;

    @Override
    public void start() {
        if (started) {
            return;
        }
        server.setContext(getContext());
        server.start();
        if (server.isStarted()) {
            System.setProperty(RelayAddress.SYSTEM_PROPERTY, server.address().toString());
            started = true;
            // A reset stops registered components before the appenders, but tells listeners only after: stopped as a
            // listener, the server would ack events it dispatched into a logger tree without appenders.
            getContext().register(this);
        }
    }

    @Override
    public void stop() {
        if (started) {
            started = false;
            server.stop();
            System.clearProperty(RelayAddress.SYSTEM_PROPERTY);
        }
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    /** The server this listener runs. */
    public RelayServer server() {
        return server;
    }

    @Override
    public boolean isResetResistant() {
        return false;
    }

    @Override
    public void onStart(LoggerContext context) {}

    @Override
    public void onReset(LoggerContext context) {
        stop();
    }

    @Override
    public void onStop(LoggerContext context) {
        stop();
    }

    @Override
    public void onLevelChange(ch.qos.logback.classic.Logger logger, ch.qos.logback.classic.Level level) {}

    public void setTransport(String transport) {
        server.setTransport(transport);
    }

    public void setSocketDirectory(String socketDirectory) {
        server.setSocketDirectory(socketDirectory);
    }

    public void setPort(int port) {
        server.setPort(port);
    }

    public void setTokenFile(String tokenFile) {
        server.setTokenFile(tokenFile);
    }

    public void setMaxConnections(int maxConnections) {
        server.setMaxConnections(maxConnections);
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        server.setHandshakeTimeout(handshakeTimeout);
    }

    public void setMaxFrameBytes(int maxFrameBytes) {
        server.setMaxFrameBytes(maxFrameBytes);
    }

    public void setHandoffCapacity(int handoffCapacity) {
        server.setHandoffCapacity(handoffCapacity);
    }

    public void setAckEvery(int ackEvery) {
        server.setAckEvery(ackEvery);
    }
}
