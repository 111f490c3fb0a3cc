package org.chatsuite.gateway.throttle;

/** The outcome of one rate-limit check, with what the X-RateLimit-* headers report. */
public record Decision(boolean allowed, int limit, long remaining, long retryAfterMillis, long resetMillis) {

    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }

    public long resetSeconds() {
        return (resetMillis + 999) / 1000;
    }
}
