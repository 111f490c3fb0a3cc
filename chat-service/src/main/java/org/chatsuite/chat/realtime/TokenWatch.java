package org.chatsuite.chat.realtime;

import java.time.Instant;
import java.util.HashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.web.RevocationKeys;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * Keeps open sockets within what their access token allows, after the handshake checked it once:
 * a socket is closed with {@link #TOKEN_REVOKED} when its token or login session is revoked
 * (announced by user-service on {@link RevocationKeys#CHANNEL}, which {@link FanOut} subscribes to
 * on every replica), and with {@link #TOKEN_EXPIRED} when its token expires, unless the client sent a
 * newer token first ({@code auth} frame).
 *
 * <p>Expiry is one Vert.x timer per socket, set for the token's {@code exp} and replaced on
 * re-authentication, rather than a periodic sweep of every socket: it closes at the exact second
 * without a sweep interval to tune, and an idle socket costs one entry in the event loop's timer
 * queue and no work until then.
 */
@ApplicationScoped
public class TokenWatch {

    /** Private-use close code (4000–4999) modelled on HTTP 401: reconnect with a valid token. */
    static final int UNAUTHORIZED = 4401;
    static final CloseReason TOKEN_REVOKED = new CloseReason(UNAUTHORIZED, "token revoked");
    static final CloseReason TOKEN_EXPIRED = new CloseReason(UNAUTHORIZED, "token expired");

    private static final Logger LOG = Logger.getLogger(TokenWatch.class);
    private static final String SESSION_PREFIX = "sid:";
    private static final String TOKEN_PREFIX = "jti:";

    private final ReactiveRedisDataSource redis;
    private final JWTParser parser;
    private final Vertx vertx;

    TokenWatch(ReactiveRedisDataSource redis, JWTParser parser, Vertx vertx) {
        this.redis = redis;
        this.parser = parser;
        this.vertx = vertx;
    }

    /** Why a token given to re-authenticate was refused (the {@code invalid_token} error frame's message). */
    static final class InvalidToken extends RuntimeException {
        InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Starts watching a socket that is listed in its room (so that announcements reach it): its expiry
     * is scheduled, and the revocation keys are checked for what was announced between the handshake
     * and now.
     */
    Uni<Void> watch(SocketSession session) {
        scheduleExpiry(session);
        return recheck(List.of(session));
    }

    void forget(SocketSession session) {
        session.replaceExpiryTimer(-1, vertx::cancelTimer);
    }

    /** An announcement from {@link RevocationKeys#CHANNEL}: closes this replica's sockets it names. */
    void announced(String announcement, Iterable<SocketSession> sessions) {
        boolean bySession = announcement.startsWith(SESSION_PREFIX);
        if (!bySession && !announcement.startsWith(TOKEN_PREFIX)) {
            LOG.warnf("unknown revocation announcement: %s", announcement);
            return;
        }
        String id = announcement.substring(bySession ? SESSION_PREFIX.length() : TOKEN_PREFIX.length());
        for (SocketSession session : sessions) {
            SocketIdentity identity = session.identity();
            if (id.equals(bySession ? identity.sid() : identity.jti())) {
                session.close(TOKEN_REVOKED);
            }
        }
    }

    /**
     * Closes the sockets whose token is revoked according to the keys: after the revocation channel
     * was (re-)subscribed, for announcements that went out while nobody here listened.
     */
    Uni<Void> recheck(Collection<SocketSession> sessions) {
        if (sessions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<SocketSession> checked = List.copyOf(sessions);
        Set<String> keys = new HashSet<>(); // a login session's sockets share its key
        checked.forEach(session -> keys.addAll(revocationKeys(session.identity())));
        return redis.value(String.class).mget(keys.toArray(String[]::new))
                .invoke(found -> {
                    for (SocketSession session : checked) {
                        if (isRevoked(session.identity(), found)) {
                            session.close(TOKEN_REVOKED);
                        }
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Verifies a new token for an open socket like the handshake does (signature, issuer, audience,
     * expiry, not revoked) and the same user; on success it becomes the socket's identity.
     *
     * @return the new identity; fails with {@link InvalidToken} for a token that is not acceptable
     */
    Uni<SocketIdentity> reauthenticate(SocketSession session, String token) {
        // Verifying may fetch the signing keys (JWKS) over HTTP: not on the event loop.
        return Uni.createFrom().item(() -> parse(token))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(jwt -> {
                    if (jwt.getTokenID() == null || !String.valueOf(session.userId).equals(jwt.getSubject())) {
                        return Uni.createFrom().failure(new InvalidToken("The token is not one of this socket's user"));
                    }
                    SocketIdentity identity = SocketIdentity.of(jwt);
                    return redis.value(String.class).mget(revocationKeys(identity).toArray(String[]::new))
                            .map(found -> {
                                if (isRevoked(identity, found)) {
                                    throw new InvalidToken("The token was revoked");
                                }
                                session.reauthenticated(identity);
                                scheduleExpiry(session);
                                return identity;
                            });
                });
    }

    private JsonWebToken parse(String token) {
        try {
            return parser.parse(token);
        } catch (ParseException e) {
            throw new InvalidToken("The token is invalid or expired");
        }
    }

    private void scheduleExpiry(SocketSession session) {
        long delay = Math.max(1, session.identity().expiresAt().toEpochMilli() - Instant.now().toEpochMilli());
        long timer = vertx.setTimer(delay, id -> {
            if (session.identity().expiresAt().isAfter(Instant.now())) {
                scheduleExpiry(session); // fired a little early, or the token was replaced meanwhile
            } else {
                session.close(TOKEN_EXPIRED);
            }
        });
        session.replaceExpiryTimer(timer, vertx::cancelTimer);
    }

    private static List<String> revocationKeys(SocketIdentity identity) {
        return List.of(RevocationKeys.token(identity.jti()), RevocationKeys.session(String.valueOf(identity.sid())));
    }

    private static boolean isRevoked(SocketIdentity identity, Map<String, String> found) {
        return revocationKeys(identity).stream().anyMatch(key -> found.get(key) != null);
    }
}
