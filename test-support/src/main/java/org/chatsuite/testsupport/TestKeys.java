package org.chatsuite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

import org.chatsuite.processes.PemFiles;

/**
 * An RSA key pair generated once per test JVM, also written as PEM files so that the application
 * under test (in the same JVM or as a packaged jar) can load it like a production key.
 */
public final class TestKeys {

    private static TestKeys current;

    private final KeyPair keyPair;
    private final Path privateKeyFile;
    private final Path publicKeyFile;

    private TestKeys(KeyPair keyPair, Path dir) throws IOException {
        this.keyPair = keyPair;
        this.privateKeyFile = dir.resolve("jwt-private.pem");
        this.publicKeyFile = dir.resolve("jwt-public.pem");
        PemFiles.write(privateKeyFile, "PRIVATE KEY", keyPair.getPrivate().getEncoded());
        PemFiles.write(publicKeyFile, "PUBLIC KEY", keyPair.getPublic().getEncoded());
    }

    /** The key pair of this test run, created on first use. */
    public static synchronized TestKeys current() {
        if (current == null) {
            try {
                Path dir = Files.createTempDirectory("chatsuite-test-keys");
                dir.toFile().deleteOnExit();
                current = new TestKeys(generate(), dir);
                current.privateKeyFile.toFile().deleteOnExit();
                current.publicKeyFile.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return current;
    }

    /** A fresh RSA key pair that no service trusts (for "wrong key" tests). */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAPrivateKey privateKey() {
        return (RSAPrivateKey) keyPair.getPrivate();
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }
}
