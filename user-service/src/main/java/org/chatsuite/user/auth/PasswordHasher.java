package org.chatsuite.user.auth;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;

import jakarta.inject.Singleton;

import org.chatsuite.user.UserServiceConfig;
import org.chatsuite.web.ApiException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.smallrye.faulttolerance.api.Guard;

/**
 * bcrypt password hashes. Passwords longer than bcrypt's 72-byte input are pre-hashed with
 * SHA-512 instead of being silently truncated.
 * <p>
 * Every hash runs in a bulkhead (SmallRye Fault Tolerance) of one slot per core by default: bcrypt
 * is pure CPU, so a login flood with a hash per worker thread would starve every other route of the
 * service. Requests beyond the slots wait in a bounded queue on their own thread; when that is full too,
 * the request gets 503 {@code service_unavailable} with {@code Retry-After} at once.
 */
@Singleton
public class PasswordHasher {

    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;

    private final int cost;
    private final BCrypt.Hasher hasher = BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private final BCrypt.Verifyer verifyer = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private final Guard bulkhead;
    /** Compared against when the email is unknown, so that both failures take as long. */
    private final String decoyHash;

    PasswordHasher(UserServiceConfig config) {
        this.cost = config.password().bcryptCost();
        if (cost < 10 || cost > 31) {
            throw new IllegalStateException("chatsuite.password.bcrypt-cost must be between 10 and 31, was " + cost);
        }
        int concurrency = config.password().hashingConcurrency().orElse(Runtime.getRuntime().availableProcessors());
        int queue = config.password().hashingQueue();
        if (concurrency < 1 || queue < 1) {
            throw new IllegalStateException("chatsuite.password.hashing-concurrency and hashing-queue must be at least 1");
        }
        this.bulkhead = Guard.create()
                .withBulkhead().limit(concurrency).queueSize(queue).enableSynchronousQueueing().done()
                .build();
        this.decoyHash = hasher.hashToString(cost, UUID.randomUUID().toString().toCharArray());
    }

    public String hash(String password) {
        return withinBulkhead(() -> hasher.hashToString(cost, password.toCharArray()));
    }

    public boolean matches(String password, String hash) {
        return withinBulkhead(() -> verifyer.verify(password.getBytes(StandardCharsets.UTF_8),
                hash.getBytes(StandardCharsets.UTF_8)).verified);
    }

    /** Spends the time of a real comparison and fails: used for unknown emails. */
    public boolean matchesNothing(String password) {
        matches(password, decoyHash);
        return false;
    }

    /** Runs {@code work} in a hashing slot, waiting in the queue if need be. */
    @SuppressWarnings("unchecked")
    <T> T withinBulkhead(Callable<T> work) {
        try {
            // The type only tells the guard that the call is synchronous.
            return bulkhead.call(work, (Class<T>) (Class<?>) Object.class);
        } catch (BulkheadException e) {
            throw ApiException.unavailable("Too many logins and registrations at once; try again shortly");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
