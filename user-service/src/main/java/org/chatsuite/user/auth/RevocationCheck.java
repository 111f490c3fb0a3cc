package org.chatsuite.user.auth;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.user.web.ApiException;
import org.chatsuite.user.web.HttpEdge;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses access tokens that were revoked by logout or by refresh-token reuse, after their
 * signature and claims passed, and names the caller in the access log.
 */
@ApplicationScoped
public class RevocationCheck implements SecurityIdentityAugmentor {

    private final Revocations revocations;

    RevocationCheck(Revocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (jwt.getTokenID() == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token has no jti"));
        }
        return revocations.isRevoked(jwt.getTokenID(), jwt.getClaim("sid"))
                .onFailure().transform(e -> ApiException.unavailable("Token revocation store is unavailable"))
                .map(revoked -> {
                    if (revoked) {
                        throw new AuthenticationFailedException("token revoked");
                    }
                    RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(identity);
                    if (routing != null) {
                        routing.put(HttpEdge.USER_KEY, jwt.getSubject());
                    }
                    return identity;
                });
    }
}
