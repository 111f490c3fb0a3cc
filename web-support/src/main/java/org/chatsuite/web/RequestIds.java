package org.chatsuite.web;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code X-Request-Id} of every request: a client's sane id is kept, otherwise one is made. It is
 * set on the request (for the access log, the error envelopes and the upstreams) and on the response.
 */
@Singleton
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** The first of the edge filters: everything after it, refusals included, can name the request. */
    static final int FILTER_PRIORITY = 1000;
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public static String saneOrNew(String candidate) {
        return candidate != null && SANE.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
    }

    void register(@Observes Filters filters) {
        filters.register(RequestIds::assign, FILTER_PRIORITY);
    }

    private static void assign(RoutingContext ctx) {
        String requestId = saneOrNew(ctx.request().getHeader(HEADER));
        ctx.request().headers().set(HEADER, requestId);
        ctx.response().putHeader(HEADER, requestId);
        ctx.next();
    }
}
