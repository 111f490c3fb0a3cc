package org.chatsuite.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * docs/API.md#token-carriers: the Authorization header wins; then the {@value #COOKIE} cookie; then, on
 * WebSocket handshakes only, the {@code access_token} query parameter or the subprotocol carrier. The
 * chosen token is presented as a bearer token, so one verification path serves all carriers. A cookie
 * on a WebSocket handshake from a foreign Origin is refused with 403 (cross-site WebSocket hijacking).
 */
@Singleton
public class TokenCarriers {

    /** The cookie that carries the access token (user-service sets it at login). */
    public static final String COOKIE = "chat_access_token";

    private static final String SUBPROTOCOL_AUTHORIZATION = "quarkus-http-upgrade#Authorization#";

    /** Origins whose pages may open a WebSocket authenticated by the cookie. */
    private final Set<String> allowedOrigins;

    TokenCarriers(@ConfigProperty(name = "chatsuite.websocket.allowed-origins") Optional<List<String>> origins) {
        this.allowedOrigins = Set.copyOf(origins.orElse(List.of()));
    }

    void register(@Observes Filters filters) {
        filters.register(this::presentAsBearer, RequestIds.FILTER_PRIORITY - 2);
    }

    private void presentAsBearer(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.getHeader("Authorization") != null) {
            ctx.next();
            return;
        }
        boolean upgrade = WebSocketUpgrade.isRequested(request);
        Cookie cookie = PublicPaths.isSessionStart(request.path()) ? null : request.getCookie(COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            String handshakeToken = upgrade ? handshakeToken(request) : null;
            if (handshakeToken != null) {
                request.headers().set("Authorization", handshakeToken);
            }
            ctx.next();
            return;
        }
        if (upgrade && !allowedOrigins.contains(String.valueOf(request.getHeader("Origin")))) {
            EdgeErrors.reply(ctx, 403);
            return;
        }
        request.headers().set("Authorization", "Bearer " + cookie.getValue());
        ctx.next();
    }

    /**
     * On a WebSocket handshake: the {@code access_token} query parameter, or the Authorization value
     * carried in {@code Sec-WebSocket-Protocol} the way WebSockets Next defines it
     * ({@code quarkus-http-upgrade#Authorization#Bearer%20<token>}, '#' also as %23). The subprotocol header itself is
     * left as it is for the upstream to negotiate.
     */
    private static String handshakeToken(HttpServerRequest request) {
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
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value; // not valid percent-encoding: not a token carrier
        }
    }
}
