package org.chatsuite.user.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.chatsuite.web.RevocationKeys;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;

/**
 * Revokes access tokens for every service through Redis (see {@link RevocationKeys}) until the
 * tokens would have expired anyway, and announces each revocation on {@link RevocationKeys#CHANNEL}
 * so that sockets already open with such a token are closed (the key first: a verifier that checks
 * the keys after missing an announcement still finds it).
 */
@Singleton
public class Revocations {

    private final RedisDataSource redis;

    Revocations(RedisDataSource redis) {
        this.redis = redis;
    }

    public void revokeToken(String jti, Instant expiresAt) {
        if (jti != null && expiresAt.isAfter(Instant.now())) {
            redis.value(String.class).set(RevocationKeys.token(jti), "1", new SetArgs().exAt(expiresAt));
            announce("jti:" + jti);
        }
    }

    /** Revokes every access token of the session; they all expire within {@code accessTokenTtl}. */
    public void revokeSession(UUID sid, Duration accessTokenTtl) {
        redis.value(String.class).set(RevocationKeys.session(sid.toString()), "1", new SetArgs().ex(accessTokenTtl));
        announce("sid:" + sid);
    }

    private void announce(String revoked) {
        redis.pubsub(String.class).publish(RevocationKeys.CHANNEL, revoked);
    }
}
