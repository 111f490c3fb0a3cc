package org.chatsuite.gateway.throttle;

/**
 * The outcome of the throttle rules for one request, with what the X-RateLimit-* headers report:
 * the refusing rule, or else the rule with the fewest requests left.
 */
public record Decision(boolean allowed, String rule, int limit, long remaining, long retryAfterMillis, long resetMillis) {

    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }

    public long resetSeconds() {
        return (resetMillis + 999) / 1000;
    }
}
