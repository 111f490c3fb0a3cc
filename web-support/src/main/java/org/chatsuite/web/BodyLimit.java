package org.chatsuite.web;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * The contract's body limit on a declared {@code Content-Length}: refused with 413 before the body is
 * read, and the connection closes so that the unread body is dropped. A body without a declared
 * length (chunked) is measured as the REST layer reads it (rest-support's StreamedBodyLimit);
 * quarkus.http.limits.max-body-size is a larger hard backstop.
 */
@Singleton
public class BodyLimit {

    public static final long MAX_BYTES = 64 * 1024;

    void register(@Observes Filters filters) {
        filters.register(BodyLimit::checkDeclaredLength, RequestIds.FILTER_PRIORITY - 3);
    }

    private static void checkDeclaredLength(RoutingContext ctx) {
        if (declaredLength(ctx) > MAX_BYTES) {
            refuse(ctx);
            return;
        }
        ctx.next();
    }

    /** Answers 413 and closes the connection, so that the rest of the body is never read. */
    private static void refuse(RoutingContext ctx) {
        ctx.response().putHeader("Connection", "close");
        EdgeErrors.reply(ctx, 413);
    }

    private static long declaredLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
