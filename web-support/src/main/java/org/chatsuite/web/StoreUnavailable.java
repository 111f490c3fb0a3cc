package org.chatsuite.web;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Failures that mean a data store did not answer in time or at all, rather than a bug: the client gets
 * 503 and may retry (docs/API.md). Recognised anywhere in the cause chain, whatever wraps them
 * (Hibernate, JPA, Mutiny).
 */
final class StoreUnavailable {

    private StoreUnavailable() {
    }

    static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.smallrye.mutiny.TimeoutException // a Redis reply awaited too long
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLException sql && isUnavailable(sql)) {
                return true;
            }
        }
        return false;
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
