package org.chatsuite.gateway.routing;

import java.time.Duration;

/**
 * Per-upstream breaker: after {@code threshold} consecutive transport failures the upstream is not
 * tried for {@code openFor}; then one request probes it, and a success closes the breaker.
 */
final class CircuitBreaker {

    private final int threshold;
    private final long openForMillis;
    private int consecutiveFailures;
    private long openUntil;
    private boolean probing;

    CircuitBreaker(int threshold, Duration openFor) {
        this.threshold = threshold;
        this.openForMillis = openFor.toMillis();
    }

    /** Whether a request may go to the upstream now. */
    synchronized boolean allowRequest() {
        if (consecutiveFailures < threshold) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now >= openUntil && !probing) {
            probing = true;
            return true;
        }
        return false;
    }

    synchronized void onSuccess() {
        consecutiveFailures = 0;
        probing = false;
    }

    synchronized void onFailure() {
        consecutiveFailures++;
        probing = false;
        if (consecutiveFailures >= threshold) {
            openUntil = System.currentTimeMillis() + openForMillis;
        }
    }

    synchronized boolean isOpen() {
        return consecutiveFailures >= threshold;
    }
}
