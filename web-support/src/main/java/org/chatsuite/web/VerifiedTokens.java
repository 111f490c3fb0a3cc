package org.chatsuite.web;

import java.time.Clock;
import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Access tokens whose signature and claims passed verification, kept so that a caller's next
 * requests skip the RSA verification (on every hop, the gateway and the service behind it). Why
 * this accepts exactly the tokens a fresh verification would:
 * <ul>
 * <li>An entry is keyed by the whole token string, and the signature covers header and claims: only
 * the byte-identical token that passed is found. A tampered token (any character changed) is another
 * key and is verified in full; a token that fails verification is never stored.</li>
 * <li>An entry lasts until the token's {@code exp} at the latest, so an expired token is always
 * verified afresh, and refused or accepted exactly as without the cache (the verifier's clock skew
 * applies there, never to an entry).</li>
 * <li>An entry lasts {@link #MAX_AGE} at most: a key removed from the JWK set (which the verifiers
 * re-read every 10 minutes) stops being trusted at most that much later than without the cache.</li>
 * <li>Revocation is not decided here: every caller still checks the token's {@code jti} and
 * {@code sid} in Redis on every request, after this.</li>
 * </ul>
 * The verified token is shared by the requests that present it; its claims are read-only once parsed.
 */
@Singleton
public class VerifiedTokens {

    static final Duration MAX_AGE = Duration.ofMinutes(1);
    /**
     * Tokens used within {@link #MAX_AGE} that stay cached (a few kB each); beyond that Caffeine keeps
     * the most used, and the others are verified in full as before.
     */
    static final int MAX_ENTRIES = 4096;

    /** What verifies a token that is not cached (SmallRye JWT's parser; may block to fetch the JWK set). */
    @FunctionalInterface
    public interface Verifier {
        JsonWebToken verify(String token) throws ParseException;
    }

    private record Verified(JsonWebToken jwt, long untilMillis) {
    }

    private final Cache<String, Verified> cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES)
            .expireAfterWrite(MAX_AGE).build();
    private final Clock clock;

    @Inject
    VerifiedTokens() {
        this(Clock.systemUTC());
    }

    VerifiedTokens(Clock clock) {
        this.clock = clock;
    }

    /** The token as it was verified, when that was recently and it has not expired; null otherwise. Never blocks. */
    public JsonWebToken cached(String token) {
        Verified verified = cache.getIfPresent(token);
        if (verified == null) {
            return null;
        }
        if (clock.millis() >= verified.untilMillis()) {
            cache.invalidate(token);
            return null;
        }
        return verified.jwt();
    }

    /** The cached verification of the token, or the verifier's, which is remembered when it succeeds. */
    public JsonWebToken verify(String token, Verifier verifier) throws ParseException {
        JsonWebToken jwt = cached(token);
        if (jwt != null) {
            return jwt;
        }
        jwt = verifier.verify(token);
        long now = clock.millis();
        long until = Math.min(jwt.getExpirationTime() * 1000, now + MAX_AGE.toMillis());
        if (until > now) {
            cache.put(token, new Verified(jwt, until));
        }
        return jwt;
    }
}
