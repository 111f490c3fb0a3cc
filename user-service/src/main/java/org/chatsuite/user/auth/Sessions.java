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
 * every use) per session. The session id ({@link LoginSession}) is the refresh family and travels in
 * the access token's {@code sid} claim, so logout can end both.
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
        Instant now = Instant.now();
        RefreshToken.delete("userId = ?1 and expiresAt < ?2", user.id, now);
        LoginSession.delete("from LoginSession s where s.userId = ?1"
                + " and not exists (select 1 from RefreshToken t where t.familyId = s.id)", user.id);
        LoginSession session = new LoginSession();
        session.id = UUID.randomUUID();
        session.userId = user.id;
        session.startedAt = now;
        // Flushed before its first token's row, which references it and is inserted at once.
        session.persistAndFlush();
        return issue(user, session.id);
    }

    /**
     * Exchanges a refresh token for new tokens. A token that was already rotated means it leaked
     * (or a client raced itself): the whole session is ended, and the caller must log in.
     */
    @Transactional(dontRollbackOn = ApiException.class)
    public Refreshed refresh(String presented) {
        String hash = SecretTokens.sha256(presented);
        // The session row first, as logout does: a logout waits for this refresh to commit and then
        // ends the session with the new token in it, or this refresh waits and finds the session ended.
        LoginSession session = LoginSession.<LoginSession>find(
                "id = (select t.familyId from RefreshToken t where t.tokenHash = ?1)", hash)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (session == null) {
            throw ApiException.unauthorized("token_invalid", "Refresh token is invalid");
        }
        if (session.endedAt != null) {
            throw ApiException.unauthorized("token_revoked", "Refresh token was revoked; please log in again");
        }
        // Read only now, under the session's lock: a concurrent refresh of the same token has committed.
        RefreshToken token = RefreshToken.find("tokenHash", hash).firstResult();
        if (token == null) {
            throw ApiException.unauthorized("token_invalid", "Refresh token is invalid"); // expired, and deleted meanwhile
        }
        Instant now = Instant.now();
        if (token.rotatedAt != null) {
            session.endedAt = now;
            throw new ReuseDetected(session.id);
        }
        if (token.expiresAt.isBefore(now)) {
            throw ApiException.unauthorized("token_expired", "Refresh token has expired");
        }
        token.rotatedAt = now;
        User user = User.findById(token.userId);
        return new Refreshed(user, issue(user, session.id));
    }

    /**
     * Ends a session: none of its refresh tokens works any more, including one a concurrent refresh is
     * issuing (this update waits for that refresh's lock). Access tokens are revoked by the caller in Redis.
     */
    @Transactional
    public void end(UUID sessionId) {
        LoginSession.update("endedAt = ?1 where id = ?2 and endedAt is null", Instant.now(), sessionId);
    }

    public Duration accessTokenTtl() {
        return config.accessTokenTtl();
    }

    private Tokens issue(User user, UUID sessionId) {
        Instant now = Instant.now();
        String refresh = SecretTokens.random();
        RefreshToken stored = new RefreshToken();
        stored.tokenHash = SecretTokens.sha256(refresh);
        stored.familyId = sessionId;
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
                .claim("sid", sessionId.toString())
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

    /** A rotated refresh token was presented again; its session is ended (committed, not rolled back). */
    public static final class ReuseDetected extends ApiException {
        private final UUID sessionId;

        ReuseDetected(UUID sessionId) {
            super(401, "token_reused", "Refresh token was already used; please log in again");
            this.sessionId = sessionId;
        }

        public UUID sessionId() {
            return sessionId;
        }
    }
}
