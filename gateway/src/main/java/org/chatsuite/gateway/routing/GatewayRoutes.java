package org.chatsuite.gateway.routing;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.gateway.throttle.Decision;
import org.chatsuite.gateway.throttle.Throttling;
import org.chatsuite.web.ApiError;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.RequestIds;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The routes of docs/API.md#gateway: each proxied request is authenticated at the edge, throttled and
 * forwarded.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
    /** Routes that need no token (docs/API.md#edge-authentication); every other proxied route does. */
    private static final Set<String> PUBLIC = Set.of("/api/users/register", "/api/users/login",
            "/api/users/token/refresh", "/.well-known/jwks.json", "/api/chat/health");

    private final Upstream users;
    private final Upstream chat;
    private final Throttling throttling;

    GatewayRoutes(Vertx vertx, GatewayConfig config, Throttling throttling, MeterRegistry metrics) {
        AtomicLong openSockets = metrics.gauge("gateway.websockets.open", new AtomicLong());
        this.users = new Upstream("user-service", List.of(config.upstreams().userService()), vertx, config.upstreams(), metrics,
                openSockets);
        this.chat = new Upstream("chat-service", config.upstreams().chatService(), vertx, config.upstreams(), metrics,
                openSockets);
        this.throttling = throttling;
    }

    void routes(@Observes Router router) {
        router.route("/api/users/*").handler(ctx -> forward(ctx, users));
        router.route("/.well-known/jwks.json").handler(ctx -> forward(ctx, users));
        router.route("/api/chat/*").handler(ctx -> forward(ctx, chat));
        router.route("/ws/*").handler(ctx -> forward(ctx, chat));
    }

    private void forward(RoutingContext ctx, Upstream upstream) {
        // Nothing of the body may be read before the proxy streams it on.
        ctx.request().pause();
        String clientIp = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
        ctx.put(Upstream.CLIENT_IP, clientIp);
        authenticate(ctx).subscribe().with(user -> {
            if (user.isEmpty() && !isPublic(ctx.request().path())) {
                error(ctx, 401, "not_authenticated", "Authentication credentials were not provided");
                return;
            }
            throttleAndProxy(ctx, upstream, user.orElse(null), clientIp);
        }, failure -> {
            if (failure instanceof ApiException api) {
                error(ctx, api.status(), api.code(), api.getMessage());
            } else {
                error(ctx, 401, "token_invalid", "Token is invalid, expired or revoked");
            }
        });
    }

    /**
     * Edge authentication: the caller's user id when a valid, unrevoked token came with the request
     * (verified against user-service's JWK set), empty when none came. An invalid token fails,
     * also on public routes, so that a client learns its token is bad.
     */
    private static Uni<Optional<String>> authenticate(RoutingContext ctx) {
        if (ctx.request().getHeader("Authorization") == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        Uni<SecurityIdentity> identity = ctx.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        return identity.map(id -> id.getPrincipal() instanceof JsonWebToken jwt
                ? Optional.ofNullable(jwt.getSubject()) : Optional.<String>empty());
    }

    static boolean isPublic(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return PUBLIC.contains(p);
    }

    private void throttleAndProxy(RoutingContext ctx, Upstream upstream, String user, String clientIp) {
        throttling.check(ctx.request(), user, clientIp).subscribe().with(decision -> {
            if (decision != null) {
                ctx.response().putHeader("X-RateLimit-Limit", String.valueOf(decision.limit()))
                        .putHeader("X-RateLimit-Remaining", String.valueOf(decision.remaining()))
                        .putHeader("X-RateLimit-Reset", String.valueOf(decision.resetSeconds()));
                if (!decision.allowed()) {
                    refuse(ctx, decision);
                    return;
                }
            }
            if (!upstream.available()) {
                error(ctx, 503, "service_unavailable", "Upstream is unavailable; try again shortly");
                return;
            }
            upstream.handle(ctx);
        }, failure -> {
            LOG.errorf(failure, "routing request %s failed", ctx.request().getHeader(RequestIds.HEADER));
            error(ctx, 500, "internal_error", "Internal server error");
        });
    }

    private static void refuse(RoutingContext ctx, Decision decision) {
        ctx.response().putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
        error(ctx, 429, "throttled",
                "Request was throttled. Expected available in " + decision.retryAfterSeconds() + " seconds.");
    }

    private static void error(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Json.encode(ApiError.of(code, message, null, ctx.request().getHeader(RequestIds.HEADER))));
    }
}
