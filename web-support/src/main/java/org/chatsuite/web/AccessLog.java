package org.chatsuite.web;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * One access-log line per request once its response is done: method, path (secrets in the query
 * redacted), user, client IP, status, duration and request id. Health and metrics probes log at DEBUG.
 */
@Singleton
public class AccessLog {

    /** Routing-context key under which authentication records the caller's user id for the access log. */
    public static final String USER_KEY = "chatsuite.user";

    private static final Logger ACCESS = Logger.getLogger("org.chatsuite.access");

    void register(@Observes Filters filters) {
        filters.register(AccessLog::onRequest, RequestIds.FILTER_PRIORITY - 1);
    }

    private static void onRequest(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> log(ctx, start));
        ctx.next();
    }

    private static void log(RoutingContext ctx, long startNanos) {
        String path = ctx.request().path();
        Logger.Level level = path != null && path.startsWith("/q/") ? Logger.Level.DEBUG : Logger.Level.INFO;
        if (!ACCESS.isEnabled(level)) {
            return;
        }
        Object user = ctx.get(USER_KEY);
        ACCESS.logf(level, "method=%s path=%s user=%s ip=%s status=%d duration_ms=%.1f request_id=%s",
                ctx.request().method(), LogRedaction.pathAndQuery(path, ctx.request().query()),
                user == null ? "anonymous" : user, ctx.request().remoteAddress() == null ? "-" : ctx.request().remoteAddress().host(),
                ctx.response().getStatusCode(), (System.nanoTime() - startNanos) / 1_000_000.0,
                ctx.request().getHeader(RequestIds.HEADER));
    }
}
