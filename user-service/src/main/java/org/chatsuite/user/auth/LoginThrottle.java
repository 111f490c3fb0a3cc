package org.chatsuite.user.auth;

import java.util.Locale;

import jakarta.inject.Singleton;

import org.chatsuite.user.UserServiceConfig;
import org.chatsuite.web.ApiException;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;

/**
 * Limits failed logins per email (across all replicas, in Redis) so that one account's password
 * cannot be guessed at speed. Counts failures in a fixed window opened by the first failure.
 */
@Singleton
public class LoginThrottle {

    private final RedisDataSource redis;
    private final UserServiceConfig.Login config;

    LoginThrottle(RedisDataSource redis, UserServiceConfig config) {
        this.redis = redis;
        this.config = config.login();
    }

    /** Throws 429 when this email has used up its failures. */
    public void checkAllowed(String email) {
        String key = key(email);
        String failures = redis.value(String.class).get(key);
        if (failures != null && Long.parseLong(failures) >= config.maxFailures()) {
            long ttl = redis.key().ttl(key);
            throw ApiException.throttled(Math.max(1, ttl));
        }
    }

    public void recordFailure(String email) {
        String key = key(email);
        // Open the window with its expiry first, so the counter can never outlive it.
        redis.value(String.class).set(key, "0", new SetArgs().nx().ex(config.failureWindow()));
        redis.value(String.class).incr(key);
    }

    public void reset(String email) {
        redis.key().del(key(email));
    }

    // The email is hashed so that Redis never holds the addresses people tried.
    private static String key(String email) {
        return "login-failures:" + SecretTokens.sha256(email.strip().toLowerCase(Locale.ROOT));
    }
}
