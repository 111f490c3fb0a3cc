package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * user-service's RS256 signing key, generated once into the data folder so that tokens stay valid
 * across restarts. The other services verify with user-service's JWK set and never see it.
 */
final class SigningKey {

    private SigningKey() {
    }

    static Path ensure(Path keysDir) throws IOException {
        Path key = keysDir.resolve("jwt-private.pem");
        if (Files.isRegularFile(key)) {
            return key;
        }
        Files.createDirectories(keysDir);
        KeyPairGenerator generator;
        try {
            generator = KeyPairGenerator.getInstance("RSA");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no RSA key generator", e);
        }
        generator.initialize(2048);
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
        Path partial = keysDir.resolve("jwt-private.pem.tmp");
        Files.deleteIfExists(partial);
        try {
            // Owner-only from the first byte on, not chmod-ed after writing.
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(partial); // not a POSIX file system (Windows): the folder's permissions apply
        }
        Files.writeString(partial, pem);
        Files.move(partial, key, StandardCopyOption.ATOMIC_MOVE);
        Console.info("generated the JWT signing key %s", key);
        return key;
    }
}
