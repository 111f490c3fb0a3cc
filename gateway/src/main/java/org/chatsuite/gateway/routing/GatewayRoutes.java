package org.chatsuite.gateway.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.gateway.throttle.Admission;
import org.chatsuite.gateway.throttle.Decision;
import org.chatsuite.gateway.throttle.Rule;
import org.chatsuite.gateway.throttle.Throttling;
import org.chatsuite.web.AccessLog;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.EdgeErrors;
import org.chatsuite.web.PublicPaths;
import org.chatsuite.web.RequestIds;
import org.chatsuite.web.RevocationKeys;
import org.chatsuite.web.VerifiedTokens;
import org.chatsuite.web.WebSocketUpgrade;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's routes (docs/API.md#gateway). Each proxied request is paused, authenticated at
 * the edge (signature and claims against user-service's JWK set), admitted by one Redis round trip
 * (revocation and every throttle rule), and only then handed to its upstream: as an HTTP exchange
 * or as a relayed WebSocket.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
    private static final String BEARER = "Bearer ";

    private final Upstream users;
    private final Upstream chat;
    private final Throttling throttling;
    private final Admission admission;
    private final MeterRegistry metrics;
    private final JWTParser tokens;
    private final VerifiedTokens verified;

    GatewayRoutes(Vertx vertx, GatewayConfig config, Throttling throttling, Admission admission, SocketRelay relays,
            MeterRegistry metrics, JWTParser tokens, VerifiedTokens verified) {
        this.tokens = tokens;
        this.verified = verified;
        this.users = new Upstream("user-service", List.of(config.upstreams().userService()), vertx, config.upstreams(),
                metrics, relays);
        this.chat = new Upstream("chat-service", config.upstreams().chatService(), vertx, config.upstreams(), metrics,
                relays);
        this.throttling = throttling;
        this.admission = admission;
        this.metrics = metrics;
    }

    void routes(@Observes Router router) {
        router.route("/api/users/*").handler(ctx -> forward(ctx, users));
        router.route("/.well-known/jwks.json").handler(ctx -> forward(ctx, users));
        router.route("/api/chat/*").handler(ctx -> forward(ctx, chat));
        router.route("/ws/*").handler(ctx -> forward(ctx, chat));
    }

    /** What the edge knows of one request while it decides. */
    private record Edge(RoutingContext ctx, Upstream upstream, Context context, String clientIp, String path,
            boolean upgrade) {
        HttpServerRequest request() {
            return ctx.request();
        }

        /** Continues on the request's own event loop, whichever thread an asynchronous step completed on. */
        void then(Runnable step) {
            if (Vertx.currentContext() == context) {
                step.run();
            } else {
                context.runOnContext(v -> step.run());
            }
        }
    }

    private void forward(RoutingContext ctx, Upstream upstream) {
        HttpServerRequest request = ctx.request();
        // Nothing of the request (its body, or the end of a WebSocket handshake) may be consumed
        // while the edge decides; the proxy or the relay resumes it.
        request.pause();
        String clientIp = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        Edge edge = new Edge(ctx, upstream, Vertx.currentContext(), clientIp, ctx.normalizedPath(),
                WebSocketUpgrade.isRequested(request));
        authenticate(ctx).subscribe().with(
                jwt -> edge.then(() -> {
                    if (jwt == null) {
                        admitAnonymously(edge, null);
                    } else {
                        admitUser(edge, jwt);
                    }
                }),
                failure -> edge.then(() -> admitAnonymously(edge, failure)));
    }

    /**
     * The verified token when the request carries one (its signature and claims checked against
     * user-service's JWK set), null when it carries none; a failure when the token is not valid.
     * Verified here rather than by Quarkus' deferred identity, whose failure would answer the
     * request before the edge has counted it against the caller's IP.
     */
    private Uni<JsonWebToken> authenticate(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null) {
            return Uni.createFrom().nullItem();
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("not a bearer token"));
        }
        String token = authorization.substring(BEARER.length()).strip();
        // A token verified recently (VerifiedTokens) is taken on the event loop; revocation is still
        // checked in Redis below, on every request.
        JsonWebToken cached = verified.cached(token);
        if (cached != null) {
            return Uni.createFrom().item(() -> identified(cached));
        }
        // Verifying may fetch user-service's key set (blocking I/O): never on the event loop.
        return Uni.createFrom().item(() -> verify(token)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private JsonWebToken verify(String token) {
        try {
            return identified(tokens.parse(token));
        } catch (ParseException e) {
            throw new AuthenticationFailedException(e.getMessage());
        }
    }

    private static JsonWebToken identified(JsonWebToken jwt) {
        if (jwt.getSubject() == null || jwt.getTokenID() == null) {
            throw new AuthenticationFailedException("token without subject or id");
        }
        return jwt;
    }

    /**
     * A caller without a valid token: throttled per client IP (also when the edge refuses it, so that
     * guessing tokens is throttled too), then refused unless the route is public.
     */
    private void admitAnonymously(Edge edge, Throwable tokenFailure) {
        admission.admit(List.of(), throttling.anonymous(edge.clientIp())).subscribe().with(verdict -> edge.then(() -> {
            if (!passesThrottle(edge, verdict.decision())) {
                return;
            }
            if (tokenFailure != null) {
                EdgeErrors.reply(edge.ctx(), 401, "token_invalid", "Token is invalid, expired or revoked");
            } else if (!PublicPaths.isPublic(edge.path())) {
                EdgeErrors.reply(edge.ctx(), 401);
            } else {
                pass(edge, null);
            }
        }), failure -> edge.then(() -> fail(edge, failure)));
    }

    private void admitUser(Edge edge, JsonWebToken jwt) {
        String userId = jwt.getSubject();
        List<String> revocationKeys = new ArrayList<>(2);
        revocationKeys.add(RevocationKeys.token(jwt.getTokenID()));
        Object sid = jwt.getClaim("sid");
        if (sid != null) {
            revocationKeys.add(RevocationKeys.session(String.valueOf(sid)));
        }
        List<Rule> rules = throttling.authenticated(userId, edge.clientIp(), edge.request().method(), edge.path(),
                edge.upgrade());
        admission.admit(revocationKeys, rules).subscribe().with(verdict -> edge.then(() -> {
            if (verdict.revoked()) {
                admitAnonymously(edge, new AuthenticationFailedException("token revoked"));
                return;
            }
            if (passesThrottle(edge, verdict.decision())) {
                pass(edge, userId);
            }
        }), failure -> edge.then(() -> fail(edge, failure)));
    }

    /** Sets the X-RateLimit-* headers; answers 429 and returns false when the request is throttled. */
    private boolean passesThrottle(Edge edge, Decision decision) {
        if (decision == null) {
            return true;
        }
        edge.ctx().response().putHeader("X-RateLimit-Limit", String.valueOf(decision.limit()))
                .putHeader("X-RateLimit-Remaining", String.valueOf(decision.remaining()))
                .putHeader("X-RateLimit-Reset", String.valueOf(decision.resetSeconds()));
        if (decision.allowed()) {
            return true;
        }
        metrics.counter("gateway.throttled", "rule", decision.rule()).increment();
        EdgeErrors.reply(edge.ctx(), ApiException.throttled(decision.retryAfterSeconds()));
        return false;
    }

    private static void pass(Edge edge, String userId) {
        if (userId != null) {
            edge.ctx().put(AccessLog.USER_KEY, userId);
        }
        HttpServerRequest request = edge.request();
        request.headers().set("X-Forwarded-For", edge.clientIp());
        request.headers().set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        // The upstream serves the path the edge authorised and throttled, not a variant of it.
        String uri = request.query() == null ? edge.path() : edge.path() + "?" + request.query();
        if (edge.upgrade()) {
            edge.upstream().relay(edge.ctx(), uri);
        } else {
            edge.upstream().proxy(edge.ctx(), uri);
        }
    }

    private static void fail(Edge edge, Throwable failure) {
        if (failure instanceof ApiException api) {
            EdgeErrors.reply(edge.ctx(), api);
            return;
        }
        LOG.errorf(failure, "routing request %s failed", edge.request().getHeader(RequestIds.HEADER));
        EdgeErrors.reply(edge.ctx(), 500);
    }
}
