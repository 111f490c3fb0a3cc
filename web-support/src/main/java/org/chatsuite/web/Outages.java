package org.chatsuite.web;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * When a failure means that a store (Redis, PostgreSQL) or another service could not be reached or did not answer
 * in time: the request then gets 503 {@code service_unavailable} with {@code Retry-After}, as a
 * retryable outage, never a 500 with a stack trace.
 */
public final class Outages {

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
            if (t instanceof SocketException // connection refused (ConnectException) or reset by the peer
                    || t instanceof ConnectionPoolTooBusyException
                    || t instanceof ClosedChannelException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException || isUnavailableReply(t)
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLException sql && isUnavailable(sql)
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

    private static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            // 08: connection exception (refused, lost, socket timeout); 53: insufficient resources (too many
            // connections); 57: operator intervention (57014: cancelled by statement_timeout; a shutting-down server).
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
        }
        // Agroal reports a pool that had no connection to give within the acquisition timeout without a state.
        return String.valueOf(e.getMessage()).contains("acquisition timeout");
    }
}
