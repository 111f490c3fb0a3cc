package org.chatsuite.web;

import io.vertx.core.http.HttpServerRequest;

/** Which requests are WebSocket handshakes (Vert.x 4 has no such check of its own). */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {
    }

    public static boolean isRequested(HttpServerRequest request) {
        return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }
}
