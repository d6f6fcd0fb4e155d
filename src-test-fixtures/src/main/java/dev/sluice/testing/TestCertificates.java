package dev.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and the certificates a TLS test needs, made with {@code openssl} in a directory of the test's (no key
 * is committed): a server certificate for 127.0.0.1 and localhost, a client certificate for mutual TLS, both signed
 * by the CA, and a second CA that signed neither. Keys are EC P-256 in unencrypted PKCS#8 PEM.
 */
public record TestCertificates(
        Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCa) {

    /**
     * Makes them in {@code directory}.
     *
     * @throws IllegalStateException if openssl is missing or fails, with its output
     */
    public static TestCertificates create(Path directory) {
        Path openssl = ServerSupport.findExecutable("openssl")
                .orElseThrow(() -> new IllegalStateException(
                        "openssl is not on the PATH; TLS tests make their certificates with it. "
                                + ServerSupport.SERVICES_HINT));
        Path ca = directory.resolve("ca.pem");
        Path caKey = directory.resolve("ca.key");
        selfSigned(openssl, directory, "Sluice test CA", ca, caKey);
        Path otherCa = directory.resolve("other-ca.pem");
        selfSigned(openssl, directory, "Some other CA", otherCa, directory.resolve("other-ca.key"));
        Path serverExt = write(
                directory.resolve("server.ext"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n" + "extendedKeyUsage=serverAuth\n");
        Path clientExt = write(directory.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        Path serverCert = directory.resolve("server.pem");
        Path serverKey = directory.resolve("server.key");
        signed(openssl, directory, "localhost", serverExt, ca, caKey, serverCert, serverKey);
        Path clientCert = directory.resolve("client.pem");
        Path clientKey = directory.resolve("client.key");
        signed(openssl, directory, "sluice-appender", clientExt, ca, caKey, clientCert, clientKey);
        return new TestCertificates(ca, serverCert, serverKey, clientCert, clientKey, otherCa);
    }

    private static void selfSigned(Path openssl, Path directory, String name, Path cert, Path key) {
        newKey(openssl, directory, key);
        run(
                openssl,
                directory,
                "req",
                "-new",
                "-x509",
                "-key",
                key,
                "-out",
                cert,
                "-days",
                "2",
                "-subj",
                "/CN=" + name,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign");
    }

    private static void signed(
            Path openssl, Path directory, String name, Path ext, Path ca, Path caKey, Path cert, Path key) {
        newKey(openssl, directory, key);
        Path request = directory.resolve(name + ".csr");
        run(openssl, directory, "req", "-new", "-key", key, "-out", request, "-subj", "/CN=" + name);
        run(
                openssl,
                directory,
                "x509",
                "-req",
                "-in",
                request,
                "-CA",
                ca,
                "-CAkey",
                caKey,
                "-CAcreateserial",
                "-out",
                cert,
                "-days",
                "2",
                "-extfile",
                ext);
    }

    private static void newKey(Path openssl, Path directory, Path key) {
        run(openssl, directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Path openssl, Path directory, Object... args) {
        List<String> command = new ArrayList<>(List.of(openssl.toString()));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + openssl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running openssl", e);
        }
    }
}
