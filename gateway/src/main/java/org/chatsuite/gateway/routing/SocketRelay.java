package org.chatsuite.gateway.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * Relays accepted WebSockets frame by frame between client and upstream.
 * <ul>
 * <li>Backpressure: a side whose peer's write queue is full is paused until the peer drains, so a
 * client that stops reading holds the upstream (whose own bound then closes it) instead of the
 * gateway's memory.</li>
 * <li>Closing: whichever side closes, the other is closed at once. The upstream's close code passes
 * through (1001 from a replica shutting down tells the client to resume elsewhere); an upstream that
 * vanished or failed without a close frame is reported to the client as 1012 (service restart:
 * reconnect and resume). No relay outlives its upstream.</li>
 * <li>Shutdown: every relayed socket is closed with 1001 before in-flight requests are awaited, and
 * new upgrades are refused with 503 from then on.</li>
 * </ul>
 */
@ApplicationScoped
public class SocketRelay {

    /** Largest frame relayed (the chat protocol's own limit is 64 KiB; replays may be larger frames). */
    static final int MAX_FRAME_BYTES = 1024 * 1024;

    static final short GOING_AWAY = 1001;
    static final short SERVICE_RESTART = 1012;
    private static final short ABNORMAL = 1006;
    private static final short NO_STATUS = 1005;

    private static final Logger LOG = Logger.getLogger(SocketRelay.class);

    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    /** Set when shutdown begins: a client told 1001 must reconnect to another gateway, not to this one. */
    private volatile boolean closing;
    private final MeterRegistry metrics;

    SocketRelay(MeterRegistry metrics) {
        this.metrics = metrics;
        metrics.gaugeCollectionSize("gateway.websockets.open", java.util.List.of(), open);
    }

    private record Pair(ServerWebSocket client, WebSocket upstream) {
    }

    boolean closing() {
        return closing;
    }

    /** Accepts the client's socket now that {@code upstream} is open (and paused), and relays between the two. */
    void accept(HttpServerRequest request, WebSocket upstream, String upstreamName) {
        request.toWebSocket().onComplete(accepted -> {
            if (accepted.failed()) {
                LOG.debugf("client left before its socket was accepted: %s", accepted.cause().toString());
                upstream.close(GOING_AWAY);
                return;
            }
            ServerWebSocket client = accepted.result();
            Pair pair = new Pair(client, upstream);
            open.add(pair);
            pump(client, upstream);
            pump(upstream, client);
            client.closeHandler(v -> {
                open.remove(pair);
                closeQuietly(upstream, normalClose(client.closeStatusCode()), client.closeReason());
            });
            upstream.closeHandler(v -> {
                open.remove(pair);
                Short code = upstream.closeStatusCode();
                boolean vanished = code == null || code == ABNORMAL;
                if (vanished) {
                    metrics.counter("gateway.websocket.upstream.lost", "upstream", upstreamName).increment();
                }
                closeQuietly(client, vanished ? SERVICE_RESTART : normalClose(code),
                        vanished ? "upstream connection lost; reconnect and resume" : upstream.closeReason());
            });
            client.exceptionHandler(e -> closeQuietly(upstream, GOING_AWAY, null));
            // A failed upstream connection is closed; its close handler then tells the client (1012).
            upstream.exceptionHandler(e -> {
                LOG.debugf("upstream socket failed: %s", e.toString());
                closeQuietly(upstream, GOING_AWAY, null);
            });
            if (upstream.isClosed()) { // closed while the client's handshake completed
                open.remove(pair);
                closeQuietly(client, SERVICE_RESTART, "upstream connection lost; reconnect and resume");
                return;
            }
            upstream.resume();
        });
    }

    /** Data frames go through as they came; control frames are answered by each side itself. */
    private static void pump(WebSocketBase from, WebSocketBase to) {
        from.frameHandler((WebSocketFrame frame) -> {
            boolean data = frame.isText() || frame.isBinary() || frame.isContinuation();
            if (!data || to.isClosed()) {
                return;
            }
            to.writeFrame(frame);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
    }

    /** 1005/1006 are reserved for "no code" and must never be sent: a plain close is 1000. */
    private static short normalClose(Short code) {
        return code == null || code == NO_STATUS || code == ABNORMAL ? 1000 : code;
    }

    private static void closeQuietly(WebSocketBase socket, short code, String reason) {
        if (!socket.isClosed()) {
            socket.close(code, reason).onFailure(e -> LOG.debugf("closing a relayed socket: %s", e.toString()));
        }
    }

    /** Graceful shutdown, first step: clients are told to reconnect (to another gateway) and resume. */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        closing = true;
        for (Pair pair : open) {
            closeQuietly(pair.client(), GOING_AWAY, "gateway shutting down");
            closeQuietly(pair.upstream(), GOING_AWAY, null);
        }
    }
}
