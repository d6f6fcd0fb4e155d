package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another user against the Unix-domain socket, for real: {@code socat} run as {@code nobody} (through
 * {@code runuser}, so this test runs as root, as CI does) cannot even reach the socket in its 0700 directory; and
 * when the test opens the directory and the socket to everyone, the server's peer check refuses the connection.
 */
class RelaySecurityTest {

    private static final String OTHER_USER = "nobody";

    @TempDir
    Path temp;

    private Central central;

    @BeforeEach
    void start() throws IOException {
        if (!System.getProperty("user.name").equals("root")) {
            throw new IllegalStateException("RelaySecurityTest runs another user's process through runuser, which needs"
                    + " root; run the tests as root (CI does)");
        }
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        central = new Central(temp.resolve("sock"), server -> {});
    }

    @AfterEach
    void stop() {
        central.close();
    }

    /** Runs socat as the other user, reading what the server sends until it closes; returns stdout + stderr. */
    private String connectAsOtherUser(Path socket) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(
                            "runuser", "-u", OTHER_USER, "--", "socat", "-u", "UNIX-CONNECT:" + socket, "STDOUT")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "runuser and socat are needed; run scripts/services (it installs socat)", e);
        }
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("socat ended").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anotherUserCannotReachTheSocketInItsPrivateDirectory() throws Exception {
        String output = connectAsOtherUser(central.server.address().socket());
        assertThat(output).contains("Permission denied");
        assertThat(central.server.getRefusedConnections()).isZero();
    }

    @Test
    void anotherUserWhoReachesTheSocketIsRefusedByThePeerCheck() throws Exception {
        Path socket = central.server.address().socket();
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        String output = connectAsOtherUser(socket);
        assertThat(output).contains("the peer runs as " + OTHER_USER + ", not as root");
        assertThat(central.server.getRefusedConnections()).isEqualTo(1);
        assertThat(central.server.getConnections()).isZero();
    }
}
