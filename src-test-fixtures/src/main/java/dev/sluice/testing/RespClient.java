package dev.sluice.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client over a raw socket, speaking RESP2: enough for tests to check what an appender wrote without
 * depending on the client library under test. Not thread-safe; one command at a time.
 *
 * <pre>{@code
 * try (RespClient redis = new RespClient("127.0.0.1", 6379)) {
 *     assertThat(redis.command("PING")).isEqualTo("PONG");
 * }
 * }</pre>
 *
 * <p>I/O failures (including a read timeout) surface as {@link UncheckedIOException}; Redis error replies as
 * {@link ErrorReply}.
 */
public final class RespClient implements AutoCloseable {

    /** Connect and read timeout unless one is given: {@value} ms. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 2000;

    /** Largest bulk reply accepted, so a confused stream cannot exhaust memory: {@value} bytes. */
    public static final int MAX_BULK_BYTES = 64 * 1024 * 1024;

    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects with the {@linkplain #DEFAULT_TIMEOUT_MILLIS default timeout}. */
    public RespClient(String host, int port) {
        this(host, port, Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS));
    }

    /** Connects, using {@code timeout} for the connect and for every read. */
    public RespClient(String host, int port, Duration timeout) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            this.in = new BufferedInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        } catch (IOException e) {
            closeQuietly(s);
            throw new UncheckedIOException("cannot connect to Redis at " + host + ":" + port, e);
        }
        this.socket = s;
    }

    /** Whether a Redis server at host:port answers {@code PING} with {@code PONG} within the timeout. */
    public static boolean ping(String host, int port, Duration timeout) {
        try (RespClient client = new RespClient(host, port, timeout)) {
            return "PONG".equals(client.call("PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends one command and returns its reply as text: a status or bulk string as is, an integer in decimal, an
     * array as {@code List.toString()}, a nil reply as {@code null}.
     *
     * @throws ErrorReply if Redis answered with an error
     */
    public String command(String... args) {
        Object reply = call(args);
        return reply == null ? null : reply.toString();
    }

    /**
     * Sends one command and returns its reply: {@link String} for status and bulk strings, {@link Long} for
     * integers, {@link List} for arrays, {@code null} for nil.
     *
     * @throws ErrorReply if Redis answered with an error
     */
    public Object call(String... args) {
        try {
            out.write(encode(args));
            out.flush();
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis command " + (args.length > 0 ? args[0] : "") + " failed", e);
        }
    }

    /** The underlying socket, for tests that need to observe it (its timeout, its closing). */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static byte[] encode(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writeAscii(buf, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buf, "$" + bytes.length + "\r\n");
            buf.writeBytes(bytes);
            writeAscii(buf, "\r\n");
        }
        return buf.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream buf, String s) {
        buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private Object readReply() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by peer");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$':
                return readBulk(Integer.parseInt(line));
            case '*':
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    items.add(readNested());
                }
                return items;
            default:
                throw new IOException("not a RESP reply, type byte " + type);
        }
    }

    /** Inside an array an error is a value, not a failure of the whole reply. */
    private Object readNested() throws IOException {
        try {
            return readReply();
        } catch (ErrorReply e) {
            return e;
        }
    }

    private String readBulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        if (length > MAX_BULK_BYTES) {
            throw new IOException("bulk reply of " + length + " bytes exceeds " + MAX_BULK_BYTES);
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("truncated bulk reply");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by peer");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed RESP line");
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("RESP line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the socket is gone either way.
        }
    }

    /** An error reply from Redis, such as {@code ERR unknown command} or {@code WRONGTYPE ...}. */
    public static final class ErrorReply extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return "-" + getMessage();
        }
    }
}
