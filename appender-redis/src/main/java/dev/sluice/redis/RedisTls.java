package dev.sluice.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS settings ({@code tlsCaCertFile}, {@code tlsCertFile}, {@code tlsKeyFile}) as Lettuce's {@link SslOptions},
 * checked once at start: each file must be readable and hold what its setting names, so that a typo stops the
 * appender at start instead of failing every connection attempt later. Certificate checks themselves, including
 * {@code verifyPeer} in the URI (FULL by default, CA, or NONE), stay Lettuce's.
 */
final class RedisTls {

    private RedisTls() {}

    /**
     * The options for these files, or null when none is set (Lettuce then trusts the JVM's CAs). Each problem is added
     * to {@code errors}, naming the setting and the path; the result is then null.
     */
    static SslOptions options(
            String caCertFile, String certFile, String keyFile, List<RedisURI> uris, List<String> errors) {
        List<String> problems = new ArrayList<>();
        File ca = file("tlsCaCertFile", caCertFile, problems);
        File cert = file("tlsCertFile", certFile, problems);
        File key = file("tlsKeyFile", keyFile, problems);
        boolean any = present(caCertFile) || present(certFile) || present(keyFile);
        if (present(certFile) != present(keyFile)) {
            problems.add("tlsCertFile and tlsKeyFile go together (a client certificate and its key for mutual TLS):"
                    + " set both or neither.");
        }
        if (any && !uris.isEmpty() && uris.stream().noneMatch(RedisTls::usesTls)) {
            problems.add("tlsCaCertFile, tlsCertFile and tlsKeyFile need a TLS uri (rediss:// or"
                    + " rediss-sentinel://), was " + RedisUris.display(uris, uris.size() > 1) + ".");
        }
        if (!problems.isEmpty() || !any) {
            errors.addAll(problems);
            return null;
        }
        if (ca != null) {
            check(
                    "tlsCaCertFile '" + ca + "' holds no PEM CA certificate",
                    SslOptions.builder().jdkSslProvider().trustManager(ca).build(),
                    errors);
        }
        if (cert != null) {
            check(
                    "tlsCertFile '" + cert + "' and tlsKeyFile '" + key + "' are not a PEM certificate and its"
                            + " unencrypted PKCS#8 key",
                    SslOptions.builder()
                            .jdkSslProvider()
                            .keyManager(cert, key, null)
                            .build(),
                    errors);
        }
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        if (ca != null) {
            builder.trustManager(ca);
        }
        if (cert != null) {
            builder.keyManager(cert, key, null);
        }
        return errors.isEmpty() ? builder.build() : null;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static File file(String setting, String value, List<String> problems) {
        if (!present(value)) {
            return null;
        }
        Path path = Path.of(value.trim());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            problems.add(setting + " '" + path + "' is not a readable file.");
            return null;
        }
        return path.toFile();
    }

    private static boolean usesTls(RedisURI uri) {
        return uri.isSsl() || uri.getSentinels().stream().anyMatch(RedisURI::isSsl);
    }

    private static void check(String problem, SslOptions options, List<String> errors) {
        try {
            options.createSslContextBuilder().build();
        } catch (Exception e) {
            errors.add(problem + ": " + e.getMessage() + ".");
        }
    }
}
