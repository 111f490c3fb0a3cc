package org.chatsuite.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.web.ApiError;
import org.chatsuite.web.HttpErrors;
import org.chatsuite.web.RequestIds;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;

/**
 * One upstream service behind a streaming reverse proxy (Vert.x HTTP proxy: bodies are streamed,
 * hop-by-hop headers dropped, WebSocket upgrades relayed both ways). Requests are spread
 * round-robin over the service's replicas; a replica that refuses a connection is skipped for the
 * breaker's open period. An unreachable upstream gets a 503 envelope, one that does not answer
 * within the response timeout a 504, and after repeated failures a circuit breaker answers 503 at
 * once until a probe succeeds.
 */
final class Upstream {

    private static final Logger LOG = Logger.getLogger(Upstream.class);
    static final String CLIENT_IP = "chatsuite.client-ip";

    private final String name;
    private final HttpProxy proxy;
    private final CircuitBreaker breaker;
    private final Origins origins;
    private final Timer latency;
    private final MeterRegistry metrics;
    private final AtomicLong openSockets;

    Upstream(String name, List<URI> replicas, Vertx vertx, GatewayConfig.Upstreams config, MeterRegistry metrics,
            AtomicLong openSockets) {
        this.name = name;
        this.openSockets = openSockets;
        this.metrics = metrics;
        this.breaker = new CircuitBreaker(config.breakerFailures(), config.breakerOpenFor());
        this.latency = metrics.timer("gateway.upstream.latency", "upstream", name);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(200)
                .setMaxWebSockets(10_000));
        this.origins = new Origins(replicas, config.breakerOpenFor());
        long responseTimeout = config.responseTimeout().toMillis();
        this.proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
                .originRequestProvider((request, c) -> connect(c, isUpgrade(request) ? 0 : responseTimeout,
                        origins.size()));
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                return forward(context);
            }
        });
    }

    /**
     * A request to the next replica. Nothing has been sent when a connection fails, so the next
     * replica is tried, also for non-idempotent requests.
     */
    private Future<HttpClientRequest> connect(HttpClient client, long idleTimeout, int attemptsLeft) {
        SocketAddress origin = origins.next();
        RequestOptions options = new RequestOptions().setServer(origin);
        if (idleTimeout > 0) {
            options.setIdleTimeout(idleTimeout);
        }
        return client.request(options).recover(failure -> {
            metrics.counter("gateway.upstream.connect.failures", "upstream", name,
                    "replica", origin.host() + ":" + origin.port()).increment();
            origins.markDown(origin);
            return attemptsLeft > 1 ? connect(client, idleTimeout, attemptsLeft - 1) : Future.failedFuture(failure);
        });
    }

    boolean available() {
        return breaker.allowRequest();
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.headers().set("X-Forwarded-For", (String) ctx.get(CLIENT_IP));
        request.headers().set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        if (isUpgrade(request)) {
            openSockets.incrementAndGet();
            request.connection().closeHandler(v -> openSockets.decrementAndGet());
        }
        proxy.handle(request);
    }

    private Future<ProxyResponse> forward(ProxyContext context) {
        long start = System.nanoTime();
        return context.sendRequest()
                .map(response -> {
                    breaker.onSuccess();
                    latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return response;
                })
                .recover(failure -> {
                    breaker.onFailure();
                    boolean timedOut = failure instanceof TimeoutException
                            || String.valueOf(failure.getMessage()).toLowerCase().contains("timeout");
                    metrics.counter("gateway.upstream.errors", "upstream", name, "kind", timedOut ? "timeout" : "unavailable")
                            .increment();
                    LOG.warnf("%s upstream %s: %s", name, timedOut ? "timed out" : "failed", failure.toString());
                    int status = timedOut ? 504 : 503;
                    return Future.succeededFuture(envelope(context, status, timedOut
                            ? name + " did not answer in time" : name + " is unavailable"));
                });
    }

    private static ProxyResponse envelope(ProxyContext context, int status, String message) {
        String requestId = context.request().proxiedRequest().getHeader(RequestIds.HEADER);
        String json = Json.encode(ApiError.of(HttpErrors.code(status), message, null, requestId));
        return context.request().response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .setBody(Body.body(Buffer.buffer(json)));
    }

    static boolean isUpgrade(HttpServerRequest request) {
        return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    /** The replicas of one upstream, taken in turn; one that failed to connect sits out for a while. */
    private static final class Origins {
        private final List<SocketAddress> addresses;
        private final long[] downUntil;
        private final long downForMillis;
        private int next;

        Origins(List<URI> replicas, Duration downFor) {
            this.addresses = replicas.stream().map(u -> SocketAddress.inetSocketAddress(u.getPort(), u.getHost())).toList();
            this.downUntil = new long[addresses.size()];
            this.downForMillis = downFor.toMillis();
        }

        /** The next replica not known to be down; when all are, the next in turn (it may be back). */
        synchronized SocketAddress next() {
            long now = System.currentTimeMillis();
            for (int tried = 0; tried < addresses.size(); tried++) {
                int candidate = next;
                next = (next + 1) % addresses.size();
                if (downUntil[candidate] <= now) {
                    return addresses.get(candidate);
                }
            }
            SocketAddress fallback = addresses.get(next);
            next = (next + 1) % addresses.size();
            return fallback;
        }

        int size() {
            return addresses.size();
        }

        synchronized void markDown(SocketAddress address) {
            int index = addresses.indexOf(address);
            if (index >= 0 && addresses.size() > 1) {
                downUntil[index] = System.currentTimeMillis() + downForMillis;
            }
        }
    }
}
