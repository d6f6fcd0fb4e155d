package dev.sluice.core.json;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.spi.ContextAware;
import java.net.InetAddress;

/**
 * The defaults every Sluice component uses for the {@code service} and {@code host} of the events it writes, so that
 * a file written by {@link SluiceJsonEncoder} and a database written by an appender name the producer alike.
 */
public final class ProducerIdentity {

    /** The context property that names the service when no {@code service} is set: {@value}. */
    public static final String SERVICE_PROPERTY = "service";

    private ProducerIdentity() {}

    /** The context property {@value #SERVICE_PROPERTY}, else the context's name; null without a context. */
    public static String defaultService(Context context) {
        if (context == null) {
            return null;
        }
        String fromProperty = context.getProperty(SERVICE_PROPERTY);
        return fromProperty != null && !fromProperty.isBlank() ? fromProperty : context.getName();
    }

    /**
     * The context property {@code HOSTNAME}, else the local host name. Never throws: a host name that cannot be found
     * is reported as a warning through {@code reporter} and left out (null).
     */
    public static String defaultHost(Context context, ContextAware reporter) {
        try {
            String fromContext = context == null ? null : context.getProperty(CoreConstants.HOSTNAME_KEY);
            if (fromContext != null && !fromContext.isBlank()) {
                return fromContext;
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception | LinkageError e) {
            reporter.addWarn("Cannot determine the host name; the 'host' field will be omitted", e);
            return null;
        }
    }
}
