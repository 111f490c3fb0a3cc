package org.chatsuite.processes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesAnOwnerOnlyPemBlockWithLinesOf64() throws Exception {
        byte[] der = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded();
        Path file = dir.resolve("key.pem");
        PemFiles.write(file, "PRIVATE KEY", der);

        String pem = Files.readString(file);
        String[] lines = pem.split("\n");
        assertEquals("-----BEGIN PRIVATE KEY-----", lines[0]);
        assertEquals("-----END PRIVATE KEY-----", lines[lines.length - 1]);
        assertEquals(64, lines[1].length());
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
        assertArrayEquals(der, Base64.getDecoder().decode(body));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(dir.resolve("key.pem.tmp")));
    }
}
