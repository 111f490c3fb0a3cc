package org.chatsuite.user.auth;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.chatsuite.user.UserServiceConfig;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;

/**
 * bcrypt password hashes. Passwords longer than bcrypt's 72-byte input are pre-hashed with
 * SHA-512 instead of being silently truncated.
 */
@Singleton
public class PasswordHasher {

    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;

    private final int cost;
    private final BCrypt.Hasher hasher = BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private final BCrypt.Verifyer verifyer = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    /** Compared against when the email is unknown, so that both failures take as long. */
    private final String decoyHash;

    PasswordHasher(UserServiceConfig config) {
        this.cost = config.password().bcryptCost();
        if (cost < 10 || cost > 31) {
            throw new IllegalStateException("chatsuite.password.bcrypt-cost must be between 10 and 31, was " + cost);
        }
        this.decoyHash = hash(UUID.randomUUID().toString());
    }

    public String hash(String password) {
        return hasher.hashToString(cost, password.toCharArray());
    }

    public boolean matches(String password, String hash) {
        return verifyer.verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Spends the time of a real comparison and fails: used for unknown emails. */
    public boolean matchesNothing(String password) {
        matches(password, decoyHash);
        return false;
    }
}
