package org.chatsuite.web.rest;

import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.chatsuite.web.ApiError;
import org.chatsuite.web.ApiException;
import org.chatsuite.web.HttpErrors;
import org.chatsuite.web.Outages;
import org.chatsuite.web.RequestIds;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** The one place where failures become the error envelope of the API contract. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e, ContainerRequestContext request) {
        Response.ResponseBuilder response = envelope(e.status(), e.code(), e.getMessage(), e, request);
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper({ JsonProcessingException.class, MismatchedInputException.class })
    public Response malformedJson(Exception e, ContainerRequestContext request) {
        return envelope(400, "malformed_json", "Request body is not valid JSON of the expected shape", null, request).build();
    }

    /** Quarkus security's refusals: no credentials, a token it did not accept, a caller not allowed. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class, ForbiddenException.class })
    public Response refused(RuntimeException e, ContainerRequestContext request) {
        if (e instanceof AuthenticationFailedException) {
            return envelope(401, "token_invalid", "Token is invalid, expired or revoked", null, request).build();
        }
        int status = e instanceof ForbiddenException ? 403 : 401;
        return envelope(status, HttpErrors.code(status), HttpErrors.message(status), null, request).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse().getStatus();
        if (status == 400 && causedByJson(e)) {
            return malformedJson(e, request);
        }
        if (status >= 500) {
            LOG.errorf(e, "request %s failed", requestId(request));
        }
        Response.ResponseBuilder response = envelope(status, HttpErrors.code(status), HttpErrors.message(status), null, request);
        String allow = e.getResponse().getHeaderString("Allow");
        if (allow != null) {
            response.header("Allow", allow);
        }
        return response.build();
    }

    /**
     * A dependency (Redis) that is unreachable, overloaded or silent is an outage the client may retry:
     * 503 with Retry-After, logged without a stack trace. Anything else is a bug: 500, logged in full.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        if (Outages.isOutage(e)) {
            LOG.warnf("request %s: a dependency is unavailable: %s", requestId(request), e.toString());
            return api(ApiException.unavailable(HttpErrors.message(503)), request);
        }
        LOG.errorf(e, "request %s failed with an unexpected exception", requestId(request));
        return envelope(500, "internal_error", "Internal server error", null, request).build();
    }

    private static boolean causedByJson(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    private static Response.ResponseBuilder envelope(int status, String code, String message, ApiException e,
            ContainerRequestContext request) {
        ApiError body = ApiError.of(code, message, e == null ? Map.of() : e.errors(), requestId(request));
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }

    private static String requestId(ContainerRequestContext request) {
        return request.getHeaderString(RequestIds.HEADER);
    }
}
