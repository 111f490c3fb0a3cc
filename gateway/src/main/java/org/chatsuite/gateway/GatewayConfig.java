package org.chatsuite.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code chatsuite.*} setting of the gateway (environment: {@code CHATSUITE_...}). */
@ConfigMapping(prefix = "chatsuite")
public interface GatewayConfig {

    Upstreams upstreams();

    Throttle throttle();

    Websocket websocket();

    Edge edge();

    interface Upstreams {
        /** One address (a Service in Kubernetes); the JWKS location is derived from it. */
        @WithDefault("http://localhost:8081")
        URI userService();

        /** One or more replicas (comma-separated); requests are spread round-robin over the reachable ones. */
        @WithDefault("http://localhost:8082")
        List<URI> chatService();

        @WithDefault("2S")
        Duration connectTimeout();

        /** An upstream that sends nothing for this long is answered with 504. */
        @WithDefault("15S")
        Duration responseTimeout();

        /** Consecutive failures that open an upstream's circuit breaker. */
        @WithDefault("5")
        int breakerFailures();

        /** How long an open breaker answers 503 without trying the upstream. */
        @WithDefault("5S")
        Duration breakerOpenFor();

        /** Pooled HTTP connections per upstream replica. */
        @WithDefault("200")
        int maxConnections();

        /** Relayed WebSockets per upstream replica (each is one upstream connection). */
        @WithDefault("50000")
        int maxSockets();
    }

    interface Edge {
        /**
         * How long a request waits for the edge's Redis round trip (revocation and throttles, queued
         * behind a burst included) before Redis counts as unavailable. An unreachable Redis fails at once.
         */
        @WithDefault("5S")
        Duration redisTimeout();
    }

    /** Requests per minute; 0 turns a rule off. */
    interface Throttle {
        @WithDefault("20")
        int anonymousPerMinute();

        @WithDefault("100")
        int userPerMinute();

        @WithDefault("10")
        int historyPerMinute();

        @WithDefault("30")
        int websocketPerMinute();
    }

    interface Websocket {
        /**
         * Origins allowed to open a socket with the auth cookie (shared with chat-service's setting).
         * Read by web-support's TokenCarriers; declared here so that the setting belongs to this mapping.
         */
        Optional<List<String>> allowedOrigins();
    }
}
