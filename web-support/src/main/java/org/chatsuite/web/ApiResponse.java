package org.chatsuite.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The success envelope of the API contract: {@code {"status":"success","message":..., "data":..., "meta":...}}. */
@RegisterForReflection
public record ApiResponse<T>(
        String status,
        @JsonInclude(JsonInclude.Include.NON_NULL) String message,
        T data,
        @JsonInclude(JsonInclude.Include.NON_NULL) PageMeta meta) {

    public static <T> ApiResponse<T> ok(T data) {
        return new ApiResponse<>("success", null, data, null);
    }

    public static <T> ApiResponse<T> ok(String message, T data) {
        return new ApiResponse<>("success", message, data, null);
    }

    public static <T> ApiResponse<T> page(T data, PageMeta meta) {
        return new ApiResponse<>("success", null, data, meta);
    }

    @RegisterForReflection
    public record PageMeta(int limit, int offset, long total) {
    }
}
