package org.chatsuite.web;

import java.util.List;
import java.util.Map;

/**
 * A failure the client should see as it is: status, machine code, human message and, for
 * validation failures, every failing field at once.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, List<String>> errors;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of(), Map.of());
    }

    private ApiException(int status, String code, String message, Map<String, List<String>> errors, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = errors;
        this.headers = headers;
    }

    public static ApiException validation(Map<String, List<String>> errors) {
        return new ApiException(400, "validation_error", "Validation failed", errors, Map.of());
    }

    public static ApiException fieldError(String field, String message) {
        return validation(Map.of(field, List.of(message)));
    }

    public static ApiException badParameter(String message) {
        return new ApiException(400, "bad_parameter", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException unauthorized(String code, String message) {
        return new ApiException(401, code, message);
    }

    public static ApiException throttled(long retryAfterSeconds) {
        return new ApiException(429, "throttled",
                "Request was throttled. Expected available in " + retryAfterSeconds + " seconds.",
                Map.of(), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /** A dependency is down or silent (see {@link Outages}): the client may retry after a moment. */
    public static ApiException unavailable(String message) {
        return new ApiException(503, "service_unavailable", message, Map.of(),
                Map.of("Retry-After", String.valueOf(Outages.RETRY_AFTER_SECONDS)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, List<String>> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
