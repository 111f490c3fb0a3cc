package org.chatsuite.user.auth;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import org.chatsuite.user.UserServiceConfig;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.LuaScript;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;

/**
 * Slows password guessing without letting anyone lock an account out (docs/API.md#failed-logins),
 * across all replicas through Redis:
 * <ul>
 * <li>per email and client IP, a hard limit of failures in a window: one guesser is stopped, the owner
 * elsewhere is not;</li>
 * <li>per email from every IP, past a threshold, a wait before each further attempt that doubles with
 * every failure up to a maximum: guessing from many IPs slows to a crawl, yet every attempt after the
 * wait is heard. IPs the email has logged in from recently are exempt, so its owner is not slowed.</li>
 * </ul>
 * Each attempt is admitted and counted as a failure in one script call, before the password is checked,
 * so parallel guesses cannot pass a limit; a success takes its count back.
 */
@Singleton
public class LoginThrottle {

    private static final LuaScript ATTEMPT = LuaScript.load("/redis/login-attempt.lua");
    private static final LuaScript SUCCEEDED = LuaScript.load("/redis/login-succeeded.lua");

    private final ReactiveRedisDataSource redis;
    private final UserServiceConfig.Login config;
    /** The reactive client has no reply timeout of its own: an attempt waits at most this, like every other Redis call. */
    private final Duration redisTimeout;

    LoginThrottle(ReactiveRedisDataSource redis, UserServiceConfig config,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.redis = redis;
        this.config = config.login();
        this.redisTimeout = redisTimeout;
    }

    /** Admits one attempt and counts it as a failed one, or throws 429 with the time to wait. */
    public void admit(String email, String clientIp) {
        long waitMillis = run(ATTEMPT, email, clientIp, List.of(
                String.valueOf(config.maxFailures()),
                String.valueOf(config.failureWindow().toMillis()),
                String.valueOf(config.emailDelayThreshold()),
                String.valueOf(config.emailFirstDelay().toMillis()),
                String.valueOf(config.emailMaxDelay().toMillis()),
                String.valueOf(config.emailFailureMemory().toMillis()))).toLong();
        if (waitMillis > 0) {
            throw ApiException.throttled((waitMillis + 999) / 1000);
        }
    }

    /** The admitted attempt succeeded: it is no failure, and this IP's failures for the email are forgotten. */
    public void succeeded(String email, String clientIp) {
        run(SUCCEEDED, email, clientIp, List.of(String.valueOf(config.knownIpTtl().toMillis())));
    }

    private Response run(LuaScript script, String email, String clientIp, List<String> args) {
        return script.run(redis, keys(email, clientIp), args)
                .ifNoItem().after(redisTimeout).fail()
                .onFailure().transform(e -> ApiException.unavailable("Login throttle store is unavailable"))
                .await().indefinitely();
    }

    // Hashed, so that Redis never holds the addresses people tried.
    static List<String> keys(String email, String clientIp) {
        String address = email.strip().toLowerCase(Locale.ROOT);
        String client = SecretTokens.sha256(address + " " + clientIp);
        return List.of("login-failures:client:" + client, "login-failures:email:" + SecretTokens.sha256(address),
                "login-known-ip:" + client);
    }
}
