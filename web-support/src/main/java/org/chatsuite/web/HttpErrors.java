package org.chatsuite.web;

/** Machine codes and texts for errors known only by their HTTP status. */
public final class HttpErrors {

    private HttpErrors() {
    }

    public static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "not_authenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "throttled";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    public static String message(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Authentication credentials were not provided";
            case 403 -> "You do not have permission to perform this action";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Only application/json responses are available";
            case 413 -> "Request body is too large (limit 64 KiB)";
            case 415 -> "Unsupported media type: send application/json";
            case 503 -> "Service temporarily unavailable";
            case 504 -> "Upstream did not answer in time";
            default -> status >= 500 ? "Internal server error" : "Bad request";
        };
    }
}
