package org.chatsuite.user.keys;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;

/**
 * user-service verifies the tokens it issued with its own JWK Set, in memory: the signing key is
 * configured once, and verification can never drift from what {@code /.well-known/jwks.json}
 * publishes. Everything else (issuer, audience, cookie name) comes from the {@code mp.jwt.*} settings.
 */
public class TokenVerification {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo verification(JWTAuthContextInfoProvider provider, SigningKeys keys) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(provider.getContextInfo());
        info.setPublicKeyLocation(null);
        info.setPublicKeyContent(keys.jwksJson());
        return info;
    }
}
