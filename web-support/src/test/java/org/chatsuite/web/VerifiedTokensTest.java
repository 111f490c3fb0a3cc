package org.chatsuite.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The cache of verified tokens with real RS256 tokens and SmallRye JWT's real verifier; only the
 * cache's clock is set by the test, so that expiry is tested without waiting.
 */
class VerifiedTokensTest {

    private static final KeyPair KEYS = keys();
    private static final DefaultJWTParser PARSER = new DefaultJWTParser(new JWTAuthContextInfo(KEYS.getPublic(), "chat-suite"));

    private final MutableClock clock = new MutableClock();
    private final VerifiedTokens tokens = new VerifiedTokens(clock);
    private final AtomicInteger verifications = new AtomicInteger();

    private final VerifiedTokens.Verifier counting = token -> {
        verifications.incrementAndGet();
        return PARSER.parse(token);
    };

    @Test
    void aValidTokenIsVerifiedOnceThenServedFromTheCache() throws Exception {
        String token = token(Duration.ofMinutes(15));
        assertThat(tokens.cached(token)).isNull();
        assertThat(tokens.verify(token, counting).getSubject()).isEqualTo("42");
        assertThat(tokens.verify(token, counting).getSubject()).isEqualTo("42");
        assertThat(tokens.cached(token).getTokenID()).isEqualTo(PARSER.parse(token).getTokenID());
        assertThat(verifications).hasValue(1);
    }

    @Test
    void anExpiredTokenIsVerifiedAfreshEvenIfCached() throws Exception {
        String token = token(Duration.ofSeconds(30));
        tokens.verify(token, counting);
        clock.advance(Duration.ofSeconds(31));
        assertThat(tokens.cached(token)).isNull();
        // Past its exp the cache never answers: the verifier's refusal is what the caller gets.
        assertThatThrownBy(() -> tokens.verify(token, t -> {
            throw new ParseException("token expired");
        })).isInstanceOf(ParseException.class).hasMessage("token expired");
    }

    @Test
    void aTokenVerifiedAfterItsExpiryIsNotCached() throws Exception {
        // SmallRye's clock skew may accept a token shortly after exp; such a token is never cached.
        String token = token(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(40));
        tokens.verify(token, counting);
        assertThat(tokens.cached(token)).isNull();
        tokens.verify(token, counting);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void anEntryLastsAMinuteAtMost() throws Exception {
        String token = token(Duration.ofMinutes(15));
        tokens.verify(token, counting);
        clock.advance(VerifiedTokens.MAX_AGE);
        assertThat(tokens.cached(token)).isNull();
        tokens.verify(token, counting);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aTamperedTokenNeverHitsTheCache() throws Exception {
        String token = token(Duration.ofMinutes(15));
        tokens.verify(token, counting);
        String[] parts = token.split("\\.");
        // Other claims under the valid token's signature ...
        String otherClaims = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"1\",\"iss\":\"chat-suite\",\"exp\":9999999999,\"jti\":\"x\"}".getBytes()) + "." + parts[2];
        // ... and the valid claims under a changed signature (a character whose every bit counts, not the last).
        int i = token.length() - 20;
        String otherSignature = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        for (String tampered : new String[] { otherClaims, otherSignature }) {
            assertThat(tokens.cached(tampered)).isNull();
            assertThatThrownBy(() -> tokens.verify(tampered, counting)).isInstanceOf(ParseException.class);
            assertThatThrownBy(() -> tokens.verify(tampered, counting)).isInstanceOf(ParseException.class);
            assertThat(tokens.cached(tampered)).isNull();
        }
        // Each attempt was verified in full; the valid token is still the only one cached.
        assertThat(verifications).hasValue(5);
        assertThat(tokens.cached(token)).isNotNull();
    }

    private String token(Duration lifetime) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("chat-suite");
        claims.setSubject("42");
        claims.setGeneratedJwtId();
        claims.setIssuedAt(NumericDate.fromMilliseconds(clock.millis()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + lifetime.toMillis()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(KEYS.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cache's clock, which the test moves forward; tokens are issued at the real time it starts from. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
