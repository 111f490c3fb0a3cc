package org.chatsuite.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The error envelope of the API contract; {@code errors} only for validation failures. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // also when Vert.x encodes it, outside the REST layer
public record ApiError(String status, String message, String code, Map<String, List<String>> errors, String requestId) {

    public static ApiError of(String code, String message, Map<String, List<String>> errors, String requestId) {
        return new ApiError("error", message, code, errors == null || errors.isEmpty() ? null : errors, requestId);
    }
}
