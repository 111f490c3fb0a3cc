package org.chatsuite.gateway.throttle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.gateway.GatewayConfig;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The throttling rules (docs/API.md#throttling): anonymous callers per client IP, authenticated callers per
 * user, message history and WebSocket handshakes per user on top. A request passes only if every
 * rule that applies lets it; the headers report the tightest one.
 */
@ApplicationScoped
public class Throttling {

    private static final Pattern HISTORY = Pattern.compile("^/api/chat/conversations/[^/]+/messages/?$");

    private final RateLimiter limiter;
    private final GatewayConfig.Throttle config;
    private final MeterRegistry metrics;

    Throttling(RateLimiter limiter, GatewayConfig config, MeterRegistry metrics) {
        this.limiter = limiter;
        this.config = config.throttle();
        this.metrics = metrics;
    }

    /** The decision for this request, or null when no rule applies. */
    public Uni<Decision> check(HttpServerRequest request, String userId, String clientIp) {
        List<Uni<Decision>> checks = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        if (userId == null) {
            add(checks, rules, "anonymous", clientIp, config.anonymousPerMinute());
        } else {
            add(checks, rules, "user", userId, config.userPerMinute());
            if ("GET".equals(request.method().name()) && HISTORY.matcher(request.path()).matches()) {
                add(checks, rules, "history", userId, config.historyPerMinute());
            }
            if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                add(checks, rules, "websocket", userId, config.websocketPerMinute());
            }
        }
        if (checks.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return Uni.join().all(checks).andFailFast().map(decisions -> {
            for (int i = 0; i < decisions.size(); i++) {
                if (!decisions.get(i).allowed()) {
                    metrics.counter("gateway.throttled", "rule", rules.get(i)).increment();
                }
            }
            return decisions.stream()
                    .min(Comparator.comparing(Decision::allowed).thenComparingLong(Decision::remaining))
                    .orElseThrow();
        });
    }

    private void add(List<Uni<Decision>> checks, List<String> rules, String rule, String subject, int perMinute) {
        if (perMinute > 0) {
            checks.add(limiter.take(rule + ":" + subject, perMinute));
            rules.add(rule);
        }
    }
}
