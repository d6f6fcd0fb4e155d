package dev.sluice.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Small process, port and file helpers shared by the server fixtures. */
final class ServerSupport {

    /** The hint every "no server" failure ends with. */
    static final String SERVICES_HINT =
            "Run scripts/services (as root it installs and starts Redis and RabbitMQ), then run the tests again.";

    private ServerSupport() {}

    /**
     * A TCP port that was free on the loopback interface a moment ago. Another process may take it before the
     * caller binds it; the fixtures accept that small race rather than hold the port open.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    /** The first executable named {@code name} in one of {@code preferredDirs}, else on the PATH. */
    static Optional<Path> findExecutable(String name, String... preferredDirs) {
        Stream<String> dirs = Stream.concat(
                Stream.of(preferredDirs),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        return dirs.filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** Deletes a directory tree, best effort: a fixture's cleanup must not fail a test that passed. */
    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Left for the OS to clean up with the rest of the temp directory.
        }
    }

    /** The last {@code lines} lines of a text file, for failure messages; empty if it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** Whether this JVM runs as root, which changes how a broker must be started. */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
