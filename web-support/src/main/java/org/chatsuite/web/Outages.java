package org.chatsuite.web;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * When a failure means that a store (Redis) or another service could not be reached or did not answer
 * in time: the request then gets 503 {@code service_unavailable} with {@code Retry-After}, as a
 * retryable outage, never a 500 with a stack trace.
 */
public final class Outages {

    /** How long a request waits for a Redis answer before Redis counts as unavailable. */
    public static final Duration REDIS_WAIT = Duration.ofSeconds(5);

    /** What a client is told to wait: outages are mostly short (a restart, a failover, a burst). */
    public static final long RETRY_AFTER_SECONDS = 1;

    /** Redis replies that say "not now" rather than "wrong command". */
    private static final Set<String> UNAVAILABLE_REPLIES = Set.of("CONNECTION_CLOSED", "LOADING", "BUSY", "MASTERDOWN",
            "TRYAGAIN", "CLUSTERDOWN");

    private Outages() {
    }

    /** Whether {@code failure}, or one of its causes, is an unreachable, overloaded or silent dependency. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectionPoolTooBusyException
                    || t instanceof ClosedChannelException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException || isUnavailableReply(t)
                    // how the Redis client fails the commands of a connection that went away
                    || "Connection is closed".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** An error reply fails a command as a Throwable that is also the reply; its first word is its kind. */
    private static boolean isUnavailableReply(Throwable t) {
        return t instanceof Response reply && reply.type() == ResponseType.ERROR
                && UNAVAILABLE_REPLIES.contains(String.valueOf(t.getMessage()).split(" ", 2)[0]);
    }
}
