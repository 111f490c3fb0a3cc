package org.chatsuite.gateway.throttle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.gateway.GatewayConfig;
import org.chatsuite.web.PublicPaths;

import io.vertx.core.http.HttpMethod;

/**
 * The throttling rules (docs/API.md#throttling): anonymous callers, and callers the edge refused,
 * per client IP; authenticated callers per user, with message history and WebSocket handshakes per
 * user on top. Requests that start a session (register, login, refresh) always count per client
 * IP too, token or not. Rules match the normalised path (dot segments, doubled slashes and encoded
 * letters cannot dodge them) and HEAD counts as GET.
 */
@ApplicationScoped
public class Throttling {

    private static final Pattern HISTORY = Pattern.compile("^/api/chat/conversations/[^/]+/messages/?$");

    private final GatewayConfig.Throttle config;

    Throttling(GatewayConfig config) {
        this.config = config.throttle();
    }

    /** The rules for a caller the edge did not authenticate (no token, or one it refused). */
    public List<Rule> anonymous(String clientIp) {
        List<Rule> rules = new ArrayList<>(1);
        add(rules, "anonymous", clientIp, config.anonymousPerMinute());
        return rules;
    }

    /** The rules for an authenticated caller's request to {@code normalizedPath}. */
    public List<Rule> authenticated(String userId, String clientIp, HttpMethod method, String normalizedPath,
            boolean upgrade) {
        List<Rule> rules = new ArrayList<>(3);
        add(rules, "user", userId, config.userPerMinute());
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (read && HISTORY.matcher(normalizedPath).matches()) {
            add(rules, "history", userId, config.historyPerMinute());
        }
        if (upgrade) {
            add(rules, "websocket", userId, config.websocketPerMinute());
        }
        if (PublicPaths.isSessionStart(normalizedPath)) {
            add(rules, "anonymous", clientIp, config.anonymousPerMinute());
        }
        return rules;
    }

    private static void add(List<Rule> rules, String name, String subject, int perMinute) {
        if (perMinute > 0) {
            rules.add(new Rule(name, subject, perMinute));
        }
    }
}
