package org.chatsuite.web.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import org.chatsuite.web.BodyLimit;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The body limit on the bytes actually read, whatever the framing: a chunked body declares no length
 * up front (a declared one is checked earlier, by web-support's BodyLimit), so what the REST layer's
 * entity reader takes is counted. Past the limit the reader stops with 413 (in the envelope, by
 * ErrorMappers) and {@code Connection: close}, so the rest is never read.
 */
@Provider
public class StreamedBodyLimit implements ReaderInterceptor {

    private final CurrentVertxRequest current;

    StreamedBodyLimit(CurrentVertxRequest current) {
        this.current = current;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new LimitedBody(context.getInputStream(), current.getCurrent()));
        return context.proceed();
    }

    private static final class LimitedBody extends FilterInputStream {

        private final RoutingContext ctx;
        private long read;

        LimitedBody(InputStream body, RoutingContext ctx) {
            super(body);
            this.ctx = ctx;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false; // a reset would count bytes twice
        }

        private void counted(long n) {
            read += n;
            if (read > BodyLimit.MAX_BYTES) {
                if (ctx != null) {
                    ctx.response().putHeader("Connection", "close");
                }
                throw new WebApplicationException(413);
            }
        }
    }
}
