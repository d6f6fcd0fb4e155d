package dev.sluice.queue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** Files only the user may use: the socket directory (0700) and the TCP token file (0600). */
final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final int TOKEN_BYTES = 32;

    private PrivateFiles() {}

    /** Creates the directory 0700, or checks that an existing one is the user's, not a link, and 0700. */
    static void directory(Path directory) throws IOException {
        try {
            Files.createDirectories(directory.getParent());
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " is not a directory (or is a symbolic link)");
        }
        UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(currentUser(directory))) {
            throw new IOException(directory + " belongs to " + owner.getName() + ", not to this user");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (!permissions.equals(OWNER_ONLY_DIRECTORY)) {
            throw new IOException(directory + " has permissions " + PosixFilePermissions.toString(permissions)
                    + "; it must be rwx------ so that only this user can reach the socket");
        }
    }

    /** This process's user, as the file system names it. */
    static UserPrincipal currentUser(Path anywhere) throws IOException {
        return anywhere.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Writes a new random token to {@code file}, readable by the user only, and returns it. */
    static String newToken(Path file) throws IOException {
        byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(file, token + "\n");
        return token;
    }

    /** Reads a token file, refusing one that others may read. */
    static String readToken(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY_FILE.containsAll(permissions)) {
            throw new IOException(
                    "token file " + file + " has permissions " + PosixFilePermissions.toString(permissions)
                            + "; it must be readable by its user only (rw-------)");
        }
        String token = Files.readString(file).trim();
        if (token.isEmpty() || token.length() > Hello.MAX_TEXT) {
            throw new IOException(
                    "token file " + file + " must hold one token of 1 to " + Hello.MAX_TEXT + " characters");
        }
        return token;
    }
}
