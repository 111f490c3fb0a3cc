package org.chatsuite.gateway.routing;

import java.net.ConnectException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.web.ApiError;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.EdgeErrors;
import org.chatsuite.web.HttpErrors;
import org.chatsuite.web.RequestIds;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * One upstream service: HTTP requests are streamed through Vert.x's HTTP proxy (bodies streamed,
 * hop-by-hop headers dropped); WebSocket handshakes are made to the upstream first and, once it
 * accepted, the client's socket is accepted and relayed frame by frame ({@link SocketRelay}).
 * <p>
 * Requests are spread round-robin over the replicas; one that refuses a connection is skipped for a
 * while and the next is tried (nothing was sent yet, so also for non-idempotent requests). Every
 * request and handshake goes through one circuit breaker (SmallRye Fault Tolerance): an
 * unreachable upstream answers 503, one that does not answer in time 504, and after repeated
 * failures the breaker answers 503 at once until a probe, of whatever kind, succeeds. A client that
 * goes away is not an upstream failure.
 */
final class Upstream {

    private static final Logger LOG = Logger.getLogger(Upstream.class);
    private static final TypeLiteral<CompletionStage<Object>> STAGE = new TypeLiteral<>() {
    };
    /** Headers of the WebSocket handshake itself: the upstream handshake makes its own. */
    private static final Set<String> HANDSHAKE_HEADERS = Set.of("host", "connection", "upgrade", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "origin", "content-length",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-authorization", "proxy-connection");

    private final String name;
    private final Origins origins;
    private final Guard breaker;
    private final long breakerOpenSeconds;
    private final HttpClient http;
    private final WebSocketClient sockets;
    private final SocketRelay relays;
    private final long responseTimeoutMillis;
    private final Timer latency;
    private final MeterRegistry metrics;

    Upstream(String name, List<java.net.URI> replicas, Vertx vertx, GatewayConfig.Upstreams config,
            MeterRegistry metrics, SocketRelay relays) {
        this.name = name;
        this.metrics = metrics;
        this.relays = relays;
        this.origins = new Origins(replicas, config.breakerOpenFor());
        this.responseTimeoutMillis = config.responseTimeout().toMillis();
        this.breakerOpenSeconds = Math.max(1, config.breakerOpenFor().toSeconds());
        this.breaker = Guard.create()
                .withDescription("upstream " + name)
                .withCircuitBreaker()
                // Opens when the last `breakerFailures` outcomes all failed.
                .requestVolumeThreshold(config.breakerFailures()).failureRatio(1.0)
                .delay(config.breakerOpenFor().toMillis(), ChronoUnit.MILLIS).successThreshold(1)
                .skipOn(ClientGone.class)
                .onStateChange(state -> LOG.infof("%s circuit breaker %s", name, state))
                .done()
                .withThreadOffload(false)
                .build();
        this.latency = metrics.timer("gateway.upstream.latency", "upstream", name);
        int connectTimeout = (int) config.connectTimeout().toMillis();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(connectTimeout)
                .setMaxPoolSize(config.maxConnections()).setKeepAlive(true));
        this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(connectTimeout)
                .setMaxConnections(config.maxSockets()).setMaxFrameSize(SocketRelay.MAX_FRAME_BYTES)
                .setMaxMessageSize(SocketRelay.MAX_FRAME_BYTES * 4));
    }

    /** Streams an HTTP request to the upstream and its response back; {@code uri} is the normalised path and query. */
    void proxy(RoutingContext ctx, String uri) {
        HttpServerRequest request = ctx.request();
        ProxyRequest proxyRequest = ProxyRequest.reverseProxy(request);
        proxyRequest.setURI(uri);
        long start = System.nanoTime();
        Future<ProxyResponse> response = guarded(() -> connect(new RequestOptions().setIdleTimeout(responseTimeoutMillis),
                origins.size())
                .compose(proxyRequest::send)
                .recover(failure -> Future.failedFuture(request.response().closed() ? new ClientGone(failure) : failure)));
        response.onSuccess(upstreamResponse -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            // The edge's own headers (request id, security headers) are set once, by the gateway.
            ctx.response().headers().names().forEach(upstreamResponse.headers()::remove);
            upstreamResponse.send();
        }).onFailure(failure -> {
            if (failure instanceof ClientGone) {
                return;
            }
            Refusal refusal = refusal(failure);
            ProxyResponse envelope = proxyRequest.release().response().setStatusCode(refusal.status())
                    .putHeader("Content-Type", "application/json")
                    .setBody(Body.body(Buffer.buffer(envelope(request, refusal))));
            if (refusal.status() == 503) {
                envelope.putHeader("Retry-After", String.valueOf(breakerOpenSeconds));
            }
            envelope.send();
        });
    }

    /**
     * Opens the upstream socket first: its refusal (401/403/404/429 from chat-service) is passed on as
     * it is, and the client's socket is accepted only once the upstream's is open.
     */
    void relay(RoutingContext ctx, String uri) {
        HttpServerRequest request = ctx.request();
        if (relays.closing()) {
            EdgeErrors.reply(ctx, ApiException.unavailable("the gateway is shutting down; reconnect"));
            return;
        }
        Future<Object> handshake = guarded(() -> connectSocket(request, uri, origins.size())
                .<Object>map(ws -> ws)
                .recover(failure -> {
                    if (failure instanceof UpgradeRejectedException rejected) {
                        return Future.succeededFuture(rejected); // the upstream answered: not a failure
                    }
                    return Future.failedFuture(request.response().closed() ? new ClientGone(failure) : failure);
                }));
        handshake.onSuccess(outcome -> {
            if (outcome instanceof WebSocket upstream) {
                relays.accept(request, upstream, name);
            } else {
                passOnRejection(request, (UpgradeRejectedException) outcome);
            }
        }).onFailure(failure -> {
            if (failure instanceof ClientGone) {
                return;
            }
            Refusal refusal = refusal(failure);
            metrics.counter("gateway.websocket.handshakes.failed", "upstream", name, "status",
                    String.valueOf(refusal.status())).increment();
            HttpServerResponse response = request.response();
            if (refusal.status() == 503) {
                response.putHeader("Retry-After", String.valueOf(breakerOpenSeconds));
            }
            if (!response.ended()) {
                response.setStatusCode(refusal.status()).putHeader("Content-Type", "application/json")
                        .end(envelope(request, refusal));
            }
        });
    }

    private static void passOnRejection(HttpServerRequest request, UpgradeRejectedException rejected) {
        HttpServerResponse response = request.response();
        if (response.ended()) {
            return;
        }
        MultiMap headers = rejected.getHeaders();
        if (headers != null) {
            for (String header : List.of("Content-Type", "Retry-After", "WWW-Authenticate")) {
                if (headers.contains(header)) {
                    response.putHeader(header, headers.get(header));
                }
            }
        }
        Buffer body = rejected.getBody();
        response.setStatusCode(rejected.getStatus()).end(body == null ? Buffer.buffer() : body);
    }

    /**
     * Runs one exchange with the upstream under the breaker; completes on the caller's Vert.x
     * context, so that the request is always answered from its own event loop.
     */
    private <T> Future<T> guarded(Supplier<Future<T>> exchange) {
        Context context = Vertx.currentContext();
        CompletionStage<Object> outcome;
        try {
            outcome = breaker.get(() -> exchange.get().<Object>map(x -> x).toCompletionStage(), STAGE);
        } catch (CircuitBreakerOpenException e) {
            return Future.failedFuture(e);
        }
        @SuppressWarnings("unchecked")
        Future<T> result = (Future<T>) Future.fromCompletionStage(outcome, context);
        return result;
    }

    /** A request to the next replica, trying the others in turn when a connection is refused. */
    private Future<HttpClientRequest> connect(RequestOptions options, int attemptsLeft) {
        SocketAddress origin = origins.next();
        return http.request(new RequestOptions(options).setServer(origin))
                .recover(failure -> retryElsewhere(origin, failure, attemptsLeft,
                        () -> connect(options, attemptsLeft - 1)));
    }

    private Future<WebSocket> connectSocket(HttpServerRequest request, String uri, int attemptsLeft) {
        SocketAddress origin = origins.next();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(origin.host()).setPort(origin.port()).setURI(uri)
                .setTimeout(responseTimeoutMillis)
                .setAllowOriginHeader(false);
        request.headers().forEach(header -> {
            if (!HANDSHAKE_HEADERS.contains(header.getKey().toLowerCase())) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        String pageOrigin = request.getHeader(HttpHeaderNames.ORIGIN);
        if (pageOrigin != null) {
            options.addHeader(HttpHeaderNames.ORIGIN, pageOrigin);
        }
        String protocols = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocols != null) {
            options.setSubProtocols(java.util.Arrays.stream(protocols.split(",")).map(String::strip)
                    .filter(p -> !p.isEmpty()).toList());
        }
        return sockets.connect(options)
                // Hold its frames (connection_established comes at once) until the relay is wired.
                .map(ws -> ws.pause())
                .recover(failure -> {
                    if (failure instanceof UpgradeRejectedException rejected && rejected.getStatus() == 503
                            && attemptsLeft > 1) {
                        // A replica that is not ready (its Redis unreachable) refuses sockets with 503; a
                        // handshake has no side effects, so the next replica is asked, and this one is left
                        // out like a refusing one until its pause ends.
                        metrics.counter("gateway.upstream.not_ready", "upstream", name,
                                "replica", origin.host() + ":" + origin.port()).increment();
                        origins.markDown(origin);
                        return connectSocket(request, uri, attemptsLeft - 1);
                    }
                    return retryElsewhere(origin, failure, attemptsLeft,
                            () -> connectSocket(request, uri, attemptsLeft - 1));
                });
    }

    private <T> Future<T> retryElsewhere(SocketAddress origin, Throwable failure, int attemptsLeft,
            Supplier<Future<T>> retry) {
        if (!(failure instanceof ConnectException) && !String.valueOf(failure.getMessage()).contains("Connection refused")) {
            return Future.failedFuture(failure);
        }
        metrics.counter("gateway.upstream.connect.failures", "upstream", name,
                "replica", origin.host() + ":" + origin.port()).increment();
        origins.markDown(origin);
        return attemptsLeft > 1 ? retry.get() : Future.failedFuture(failure);
    }

    private record Refusal(int status, String message) {
    }

    private Refusal refusal(Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            metrics.counter("gateway.upstream.errors", "upstream", name, "kind", "breaker_open").increment();
            return new Refusal(503, name + " is unavailable; try again shortly");
        }
        boolean timedOut = failure instanceof TimeoutException
                || String.valueOf(failure.getMessage()).toLowerCase().contains("timeout")
                || String.valueOf(failure.getMessage()).toLowerCase().contains("timed out");
        metrics.counter("gateway.upstream.errors", "upstream", name, "kind", timedOut ? "timeout" : "unavailable")
                .increment();
        LOG.warnf("%s upstream %s: %s", name, timedOut ? "timed out" : "failed", failure.toString());
        return timedOut ? new Refusal(504, name + " did not answer in time") : new Refusal(503, name + " is unavailable");
    }

    private static String envelope(HttpServerRequest request, Refusal refusal) {
        return Json.encode(ApiError.of(HttpErrors.code(refusal.status()), refusal.message(), null,
                request.getHeader(RequestIds.HEADER)));
    }

    /** The client went away during the exchange: not the upstream's fault, so not a breaker failure. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
