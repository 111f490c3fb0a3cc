package org.chatsuite.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** Keys as PEM files, the form the services load them in (the signing key, the tests' key pair). */
public final class PemFiles {

    private PemFiles() {
    }

    /**
     * Writes {@code der} as a PEM block of {@code type} (e.g. {@code PRIVATE KEY}). The file is
     * readable by its owner only from the first byte on (not chmod-ed after writing) and appears
     * whole or not at all.
     */
    public static void write(Path file, String type, byte[] der) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(partial);
        try {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(partial); // not a POSIX file system (Windows): the folder's permissions apply
        }
        Files.writeString(partial, pem(type, der));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
