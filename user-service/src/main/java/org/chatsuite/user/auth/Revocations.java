package org.chatsuite.user.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Revoked access tokens, shared with every service through Redis until the token would have
 * expired anyway. Keys (part of the suite's contract, the gateway reads them too):
 * {@code revoked:jti:<jti>} for one token, {@code revoked:sid:<sid>} for every access token of a
 * login session (refresh family).
 */
@Singleton
public class Revocations {

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactiveRedis;

    Revocations(RedisDataSource redis, ReactiveRedisDataSource reactiveRedis) {
        this.redis = redis;
        this.reactiveRedis = reactiveRedis;
    }

    public void revokeToken(String jti, Instant expiresAt) {
        if (jti != null && expiresAt.isAfter(Instant.now())) {
            redis.value(String.class).set("revoked:jti:" + jti, "1", new SetArgs().exAt(expiresAt));
        }
    }

    /** Revokes every access token of the session; they all expire within {@code accessTokenTtl}. */
    public void revokeSession(UUID sid, Duration accessTokenTtl) {
        redis.value(String.class).set("revoked:sid:" + sid, "1", new SetArgs().ex(accessTokenTtl));
    }

    public Uni<Boolean> isRevoked(String jti, String sid) {
        return reactiveRedis.key().exists("revoked:jti:" + jti, "revoked:sid:" + sid).map(count -> count > 0);
    }
}
