package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

import org.chatsuite.processes.PemFiles;

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
        PemFiles.write(key, "PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());
        Console.info("generated the JWT signing key %s", key);
        return key;
    }
}
