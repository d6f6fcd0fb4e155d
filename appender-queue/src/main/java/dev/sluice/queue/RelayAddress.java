package dev.sluice.queue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where a relay server listens: {@code unix:<socket path>} (the default transport) or {@code tcp:127.0.0.1:<port>}
 * (loopback only). This text is what the server's {@code address()} returns and what workers are given, through the
 * environment variable {@value #ENVIRONMENT_VARIABLE} or the system property {@value #SYSTEM_PROPERTY}.
 */
public record RelayAddress(Path socket, int port) {

    /** The environment variable through which a parent passes the address to its worker processes. */
    public static final String ENVIRONMENT_VARIABLE = "SLUICE_RELAY_ADDRESS";

    /** The system property that does the same, and wins over the environment variable. */
    public static final String SYSTEM_PROPERTY = "sluice.relay.address";

    private static final String UNIX = "unix:";
    private static final String TCP = "tcp:";
    private static final String LOOPBACK = "127.0.0.1";

    public static RelayAddress unix(Path socket) {
        return new RelayAddress(socket.toAbsolutePath(), -1);
    }

    public static RelayAddress tcp(int port) {
        return new RelayAddress(null, port);
    }

    public boolean isUnix() {
        return socket != null;
    }

    SocketAddress socketAddress() {
        return isUnix() ? UnixDomainSocketAddress.of(socket) : new InetSocketAddress(LOOPBACK, port);
    }

    /** Parses {@code unix:/path} or {@code tcp:127.0.0.1:port} ({@code tcp:port} too); anything else is refused. */
    public static RelayAddress parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.startsWith(UNIX) && value.length() > UNIX.length()) {
            return unix(Path.of(value.substring(UNIX.length())));
        }
        if (value.startsWith(TCP)) {
            String rest = value.substring(TCP.length());
            if (rest.startsWith(LOOPBACK + ":")) {
                rest = rest.substring(LOOPBACK.length() + 1);
            }
            try {
                int port = Integer.parseInt(rest);
                if (port > 0 && port < 65536) {
                    return tcp(port);
                }
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw new IllegalArgumentException("a relay address is unix:<socket path> or tcp:127.0.0.1:<port> (loopback"
                + " only), was '" + text + "'");
    }

    /** The address passed to this process, from the system property or the environment; null if neither is set. */
    public static String inherited() {
        String property = System.getProperty(SYSTEM_PROPERTY);
        return property != null && !property.isBlank() ? property : System.getenv(ENVIRONMENT_VARIABLE);
    }

    @Override
    public String toString() {
        return isUnix() ? UNIX + socket : TCP + LOOPBACK + ":" + port;
    }
}
