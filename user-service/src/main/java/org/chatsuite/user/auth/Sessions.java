package org.chatsuite.user.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.chatsuite.user.UserServiceConfig;
import org.chatsuite.user.account.User;
import org.chatsuite.user.keys.SigningKeys;
import org.chatsuite.web.ApiException;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Login sessions: an access token (JWT, short-lived) plus a refresh token (opaque, rotated on
 * every use) per session. The session id is the refresh family and travels in the access
 * token's {@code sid} claim, so logout can end both.
 */
@Singleton
public class Sessions {

    private final SigningKeys keys;
    private final UserServiceConfig.Jwt config;

    Sessions(SigningKeys keys, UserServiceConfig config) {
        this.keys = keys;
        this.config = config.jwt();
    }

    /** Starts a new session for {@code user}; call inside a transaction. */
    public Tokens start(User user) {
        RefreshToken.delete("userId = ?1 and expiresAt < ?2", user.id, Instant.now());
        return issue(user, UUID.randomUUID());
    }

    /**
     * Exchanges a refresh token for new tokens. A token that was already rotated means it leaked
     * (or a client raced itself): the whole family is revoked, and the caller must log in.
     */
    @Transactional(dontRollbackOn = ApiException.class)
    public Refreshed refresh(String presented) {
        RefreshToken token = RefreshToken.<RefreshToken>find("tokenHash", SecretTokens.sha256(presented))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (token == null) {
            throw ApiException.unauthorized("token_invalid", "Refresh token is invalid");
        }
        Instant now = Instant.now();
        if (token.rotatedAt != null) {
            revokeFamily(token.familyId);
            throw new ReuseDetected(token.familyId);
        }
        if (token.revokedAt != null) {
            throw ApiException.unauthorized("token_revoked", "Refresh token was revoked; please log in again");
        }
        if (token.expiresAt.isBefore(now)) {
            throw ApiException.unauthorized("token_expired", "Refresh token has expired");
        }
        token.rotatedAt = now;
        User user = User.findById(token.userId);
        return new Refreshed(user, issue(user, token.familyId));
    }

    /** Ends a session: its refresh tokens stop working. Access tokens are revoked by the caller in Redis. */
    @Transactional
    public void end(UUID familyId) {
        revokeFamily(familyId);
    }

    public Duration accessTokenTtl() {
        return config.accessTokenTtl();
    }

    private static void revokeFamily(UUID familyId) {
        RefreshToken.update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", Instant.now(), familyId);
    }

    private Tokens issue(User user, UUID familyId) {
        Instant now = Instant.now();
        String refresh = SecretTokens.random();
        RefreshToken stored = new RefreshToken();
        stored.tokenHash = SecretTokens.sha256(refresh);
        stored.familyId = familyId;
        stored.userId = user.id;
        stored.issuedAt = now;
        stored.expiresAt = now.plus(config.refreshTokenTtl());
        stored.persist();

        String access = Jwt.issuer(config.issuer())
                .audience("chat")
                .subject(String.valueOf(user.id))
                .upn(user.email)
                .claim("email", user.email)
                .claim("name", user.fullName())
                .groups(Set.of("user"))
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", familyId.toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()))
                .jws().algorithm(SignatureAlgorithm.RS256).keyId(keys.keyId())
                .sign(keys.privateKey());
        return new Tokens(access, refresh, "Bearer", config.accessTokenTtl().toSeconds());
    }

    @RegisterForReflection
    public record Tokens(String accessToken, String refreshToken, String tokenType, long expiresIn) {
    }

    public record Refreshed(User user, Tokens tokens) {
    }

    /** A rotated refresh token was presented again; its family is revoked (committed, not rolled back). */
    public static final class ReuseDetected extends ApiException {
        private final UUID familyId;

        ReuseDetected(UUID familyId) {
            super(401, "token_reused", "Refresh token was already used; please log in again");
            this.familyId = familyId;
        }

        public UUID familyId() {
            return familyId;
        }
    }
}
