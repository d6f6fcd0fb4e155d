package dev.sluice.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Tells whether an AMQP 0-9-1 broker listens at an address, without a client library: sends the protocol header and
 * checks that the reply starts a {@code Connection.Start} method frame, then hangs up. The broker logs the early
 * close as a client that went away; that is harmless.
 */
public final class AmqpProbe {

    /** The protocol header of AMQP 0-9-1: "AMQP", 0, 0, 9, 1. */
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private static final int FRAME_METHOD = 1;
    private static final int CLASS_CONNECTION = 10;
    private static final int METHOD_START = 10;

    private AmqpProbe() {}

    /** Whether host:port answers the AMQP 0-9-1 header with Connection.Start within {@code timeout}. */
    public static boolean answers(String host, int port, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write(PROTOCOL_HEADER);
            socket.getOutputStream().flush();
            // Frame header: type (1), channel (2), payload size (4); then class id (2) and method id (2).
            byte[] reply = socket.getInputStream().readNBytes(11);
            return reply.length == 11
                    && reply[0] == FRAME_METHOD
                    && reply[1] == 0
                    && reply[2] == 0
                    && unsignedShort(reply, 7) == CLASS_CONNECTION
                    && unsignedShort(reply, 9) == METHOD_START;
        } catch (IOException e) {
            return false;
        }
    }

    private static int unsignedShort(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
    }
}
