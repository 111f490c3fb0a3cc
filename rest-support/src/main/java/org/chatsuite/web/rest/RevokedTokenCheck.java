package org.chatsuite.web.rest;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.web.AccessLog;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.RevocationKeys;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses access tokens that were revoked (by logout or refresh-token reuse) once their signature
 * and claims passed, and names the caller in the access log. One Redis round trip per
 * authenticated request.
 */
@ApplicationScoped
public class RevokedTokenCheck implements SecurityIdentityAugmentor {

    private final ReactiveRedisDataSource redis;
    private final Duration redisTimeout;

    RevokedTokenCheck(ReactiveRedisDataSource redis, @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.redis = redis;
        this.redisTimeout = redisTimeout;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        if (jwt.getTokenID() == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token has no jti"));
        }
        return redis.key().exists(RevocationKeys.token(jwt.getTokenID()), RevocationKeys.session(jwt.getClaim("sid")))
                .ifNoItem().after(redisTimeout).fail()
                .onFailure().transform(e -> ApiException.unavailable("Token revocation store is unavailable"))
                .map(revoked -> {
                    if (revoked > 0) {
                        throw new AuthenticationFailedException("token revoked");
                    }
                    RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(identity);
                    if (routing != null) {
                        routing.put(AccessLog.USER_KEY, jwt.getSubject());
                    }
                    return identity;
                });
    }
}
