package org.chatsuite.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Mints access tokens shaped like user-service's, valid or broken in one specific way, so that
 * each service's token checks can be tested without going through login.
 */
public final class TestTokens {

    /** The services' default issuer. */
    public static final String ISSUER = "chat-suite";
    public static final String AUDIENCE = "chat";

    private TestTokens() {
    }

    public static String valid(long userId, String email) {
        return sign(claims(userId, email, ISSUER, Instant.now().plusSeconds(900)), TestKeys.current().privateKey());
    }

    /** A valid token that expires at {@code expiresAt} (JWT time: whole seconds). */
    public static String expiringAt(long userId, String email, Instant expiresAt) {
        return sign(claims(userId, email, ISSUER, expiresAt), TestKeys.current().privateKey());
    }

    public static String expired(long userId, String email) {
        JwtClaimsBuilder claims = claims(userId, email, ISSUER, Instant.now().minusSeconds(600));
        claims.issuedAt(Instant.now().minusSeconds(1200));
        return sign(claims, TestKeys.current().privateKey());
    }

    public static String wrongIssuer(long userId, String email) {
        return sign(claims(userId, email, "https://evil.example/issuer", Instant.now().plusSeconds(900)),
                TestKeys.current().privateKey());
    }

    public static String wrongKey(long userId, String email) {
        return sign(claims(userId, email, ISSUER, Instant.now().plusSeconds(900)), TestKeys.generate().getPrivate());
    }

    /** An unsigned token ({@code alg=none}) with otherwise valid claims. */
    public static String algNone(long userId, String email) {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + userId
                + "\",\"upn\":\"" + email + "\",\"groups\":[\"user\"],\"jti\":\"" + UUID.randomUUID()
                + "\",\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":" + Instant.now().plusSeconds(900).getEpochSecond() + "}");
        return header + "." + payload + ".";
    }

    /** A valid token with one character of its payload changed: the signature no longer matches. */
    public static String tampered(long userId, String email) {
        String token = valid(userId, email);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"" + userId + "\"", "\"sub\":\"" + (userId + 1) + "\"");
        return parts[0] + "." + b64(payload) + "." + parts[2];
    }

    private static JwtClaimsBuilder claims(long userId, String email, String issuer, Instant expiresAt) {
        return Jwt.issuer(issuer)
                .audience(AUDIENCE)
                .subject(String.valueOf(userId))
                .upn(email)
                .claim("email", email)
                .claim("name", "Test User " + userId)
                .groups(Set.of("user"))
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", UUID.randomUUID().toString())
                .issuedAt(Instant.now())
                .expiresAt(expiresAt);
    }

    private static String sign(JwtClaimsBuilder claims, PrivateKey key) {
        return claims.jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256).sign(key);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
