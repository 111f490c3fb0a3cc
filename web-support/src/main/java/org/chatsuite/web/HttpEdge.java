package org.chatsuite.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What happens to every HTTP request before and after the REST layer: the request id, one
 * access-log line, the token carriers (docs/API.md#token-carriers) presented as one bearer token, and the
 * envelope for failures that never reach a resource (unknown route, body over the size limit).
 */
@ApplicationScoped
public class HttpEdge {

    /** Routing-context key under which authentication records the caller's user id for the access log. */
    public static final String USER_KEY = "chatsuite.user";

    /** The contract's body limit. quarkus.http.limits.max-body-size is a larger hard backstop. */
    public static final long MAX_BODY_BYTES = 64 * 1024;

    private static final String AUTH_COOKIE = "chat_access_token";
    private static final String SUBPROTOCOL_AUTHORIZATION = "quarkus-http-upgrade#Authorization#";

    private static final Logger ACCESS = Logger.getLogger("org.chatsuite.access");

    /** Origins whose pages may open a WebSocket authenticated by the cookie. */
    private final Set<String> allowedOrigins;

    HttpEdge(@ConfigProperty(name = "chatsuite.websocket.allowed-origins") Optional<List<String>> origins) {
        this.allowedOrigins = Set.copyOf(origins.orElse(List.of()));
    }

    void requestIdAndAccessLog(@Observes Filters filters) {
        filters.register(this::onRequest, 1000);
    }

    void fallbackEnvelopes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
        router.errorHandler(404, ctx -> writeError(ctx, 404));
        router.errorHandler(405, ctx -> writeError(ctx, 405));
    }

    private void onRequest(RoutingContext ctx) {
        long start = System.nanoTime();
        String requestId = RequestIds.saneOrNew(ctx.request().getHeader(RequestIds.HEADER));
        ctx.request().headers().set(RequestIds.HEADER, requestId);
        ctx.response().putHeader(RequestIds.HEADER, requestId);
        ctx.addEndHandler(done -> accessLog(ctx, requestId, start));
        if (!presentTokenAsBearer(ctx)) {
            return;
        }
        if (declaredBodyLength(ctx) > MAX_BODY_BYTES) {
            // Refuse before reading the body; the connection closes so the unread body is dropped.
            ctx.response().putHeader("Connection", "close");
            writeError(ctx, 413);
            return;
        }
        ctx.next(); // a body without a declared length (chunked) is measured as it is read: see BodyLimit
    }

    /**
     * The body limit on the bytes actually read, whatever the framing: a chunked body declares no length
     * up front, so what the REST layer's entity reader takes is counted. Past the limit the reader stops
     * with 413 (in the envelope, by ErrorMappers) and {@code Connection: close}, so the rest is never read.
     */
    @Provider
    public static class BodyLimit implements ReaderInterceptor {

        private final CurrentVertxRequest current;

        BodyLimit(CurrentVertxRequest current) {
            this.current = current;
        }

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            context.setInputStream(new LimitedBody(context.getInputStream(), current.getCurrent()));
            return context.proceed();
        }
    }

    private static final class LimitedBody extends FilterInputStream {

        private final RoutingContext ctx;
        private long read;

        LimitedBody(InputStream body, RoutingContext ctx) {
            super(body);
            this.ctx = ctx;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false; // a reset would count bytes twice
        }

        private void counted(long n) {
            read += n;
            if (read > MAX_BODY_BYTES) {
                if (ctx != null) {
                    ctx.response().putHeader("Connection", "close");
                }
                throw new WebApplicationException(413);
            }
        }
    }

    /**
     * Requests that carry their own credentials in the body. A browser sends its cookie with them too,
     * and a stale (expired, revoked) cookie must not stand in the way of logging in again: there the
     * cookie is not presented as a token. (The gateway also counts them per client IP.)
     */
    private static final Set<String> SESSION_STARTS = Set.of("/api/users/register", "/api/users/login",
            "/api/users/token/refresh");

    /** Whether {@code path} (with or without its trailing slash) starts a session: register, login, refresh. */
    public static boolean isSessionStart(String path) {
        return SESSION_STARTS.contains(withoutTrailingSlash(path));
    }

    private static String withoutTrailingSlash(String path) {
        return path != null && path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * docs/API.md#token-carriers: the Authorization header wins; then the {@code chat_access_token} cookie; then, on
     * WebSocket handshakes only, the {@code access_token} query parameter. The chosen token is
     * presented as a bearer token, so one verification path serves all carriers. A cookie on a
     * WebSocket handshake from a foreign Origin is refused (cross-site WebSocket hijacking).
     *
     * @return false when the request was refused
     */
    private boolean presentTokenAsBearer(RoutingContext ctx) {
        var request = ctx.request();
        if (request.getHeader("Authorization") != null) {
            return true;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        Cookie cookie = isSessionStart(request.path()) ? null : request.getCookie(AUTH_COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            String handshakeToken = upgrade ? handshakeToken(request) : null;
            if (handshakeToken != null) {
                request.headers().set("Authorization", handshakeToken);
            }
            return true;
        }
        if (upgrade && !allowedOrigins.contains(String.valueOf(request.getHeader("Origin")))) {
            writeError(ctx, 403);
            return false;
        }
        request.headers().set("Authorization", "Bearer " + cookie.getValue());
        return true;
    }

    /**
     * On a WebSocket handshake: the {@code access_token} query parameter, or the Authorization value
     * carried in {@code Sec-WebSocket-Protocol} the way WebSockets Next defines it
     * ({@code quarkus-http-upgrade#Authorization#Bearer%20<token>}, '#' also as %23). The subprotocol header itself is
     * left as it is for the upstream to negotiate.
     */
    private static String handshakeToken(io.vertx.core.http.HttpServerRequest request) {
        String query = request.getParam("access_token");
        if (query != null && !query.isBlank()) {
            return "Bearer " + query;
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            for (String protocol : protocols.split(",")) {
                // Browsers send the entry as encodeURIComponent made it ('#' as %23, ' ' as %20).
                String p = percentDecoded(protocol.strip());
                if (p.startsWith(SUBPROTOCOL_AUTHORIZATION)) {
                    return p.substring(SUBPROTOCOL_AUTHORIZATION.length());
                }
            }
        }
        return null;
    }

    private static String percentDecoded(String value) {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value; // not valid percent-encoding: not a token carrier
        }
    }

    private static long declaredBodyLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void accessLog(RoutingContext ctx, String requestId, long startNanos) {
        String path = ctx.request().path();
        Logger.Level level = path != null && path.startsWith("/q/") ? Logger.Level.DEBUG : Logger.Level.INFO;
        if (!ACCESS.isEnabled(level)) {
            return;
        }
        Object user = ctx.get(USER_KEY);
        ACCESS.logf(level, "method=%s path=%s user=%s ip=%s status=%d duration_ms=%.1f request_id=%s",
                ctx.request().method(), LogRedaction.pathAndQuery(path, ctx.request().query()),
                user == null ? "anonymous" : user, ctx.request().remoteAddress() == null ? "-" : ctx.request().remoteAddress().host(),
                ctx.response().getStatusCode(), (System.nanoTime() - startNanos) / 1_000_000.0, requestId);
    }

    private void onFailure(RoutingContext ctx) {
        int status = statusOf(ctx);
        if (status >= 500 && ctx.failure() != null) {
            Logger.getLogger(HttpEdge.class).errorf(ctx.failure(), "request %s failed",
                    ctx.request().getHeader(RequestIds.HEADER));
        }
        writeError(ctx, status);
    }

    private static int statusOf(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            return 401;
        }
        if (failure instanceof ForbiddenException) {
            return 403;
        }
        if (failure instanceof ApiException api) {
            return api.status();
        }
        return ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    }

    private static void writeError(RoutingContext ctx, int status) {
        if (ctx.response().ended()) {
            return; // answered already (e.g. a refused WebSocket handshake fails twice)
        }
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        ApiError body = ApiError.of(HttpErrors.code(status), HttpErrors.message(status), null,
                ctx.request().getHeader(RequestIds.HEADER));
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.encode(body));
    }
}
