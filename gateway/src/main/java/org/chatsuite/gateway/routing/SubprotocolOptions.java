package org.chatsuite.gateway.routing;

import jakarta.enterprise.context.Dependent;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The subprotocol a browser names beside the token it carries in {@code Sec-WebSocket-Protocol}: the
 * gateway must answer with it, or the browser drops the socket it asked for.
 */
@Dependent
public class SubprotocolOptions implements HttpServerOptionsCustomizer {

    static final String TOKEN_CARRIER = "bearer-token-carrier";

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.addWebSocketSubProtocol(TOKEN_CARRIER);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.addWebSocketSubProtocol(TOKEN_CARRIER);
    }
}
