package org.chatsuite.web;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The error envelope for what is answered outside the REST layer: unknown routes (404), wrong methods
 * (405), failed routes, and the refusals of the edge filters and the gateway.
 */
@Singleton
public class EdgeErrors {

    private static final Logger LOG = Logger.getLogger(EdgeErrors.class);

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(EdgeErrors::onFailure);
        router.errorHandler(404, ctx -> reply(ctx, 404));
        router.errorHandler(405, ctx -> reply(ctx, 405));
    }

    private static void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            reply(ctx, api);
        } else if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            reply(ctx, 401);
        } else if (failure instanceof ForbiddenException) {
            reply(ctx, 403);
        } else if (Outages.isOutage(failure)) {
            LOG.warnf("request %s: a dependency is unavailable: %s", requestId(ctx), failure.toString());
            reply(ctx, ApiException.unavailable(HttpErrors.message(503)));
        } else {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (status >= 500 && failure != null) {
                LOG.errorf(failure, "request %s failed", requestId(ctx));
            }
            reply(ctx, status);
        }
    }

    /** Answers with the envelope of {@code status}'s standard code and message. */
    public static void reply(RoutingContext ctx, int status) {
        reply(ctx, status, HttpErrors.code(status), HttpErrors.message(status));
    }

    /** Answers with the envelope, status and headers of {@code e}. */
    public static void reply(RoutingContext ctx, ApiException e) {
        if (!ctx.response().headWritten()) {
            e.headers().forEach(ctx.response()::putHeader);
        }
        reply(ctx, e.status(), e.code(), e.getMessage());
    }

    public static void reply(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return; // answered already (e.g. a refused WebSocket handshake fails twice)
        }
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        ApiError body = ApiError.of(code, message, null, requestId(ctx));
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.encode(body));
    }

    private static String requestId(RoutingContext ctx) {
        return ctx.request().getHeader(RequestIds.HEADER);
    }
}
