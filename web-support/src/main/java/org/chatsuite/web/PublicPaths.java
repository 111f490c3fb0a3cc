package org.chatsuite.web;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The routes that need no token (docs/API.md#edge-authentication), matched with or without their
 * trailing slash.
 */
public final class PublicPaths {

    /**
     * Requests that carry their own credentials in the body. A browser sends its cookie with them too,
     * and a stale (expired, revoked) cookie must not stand in the way of logging in again: there the
     * cookie is not presented as a token. The gateway also counts them per client IP.
     */
    private static final Set<String> SESSION_STARTS = Set.of("/api/users/register", "/api/users/login",
            "/api/users/token/refresh");

    /** The session starts, the key set tokens are verified with, and the chat health check. */
    private static final Set<String> PUBLIC = Stream.concat(SESSION_STARTS.stream(),
            Stream.of("/.well-known/jwks.json", "/api/chat/health")).collect(Collectors.toUnmodifiableSet());

    private PublicPaths() {
    }

    /** Whether {@code path} starts a session: register, login, refresh. */
    public static boolean isSessionStart(String path) {
        return SESSION_STARTS.contains(withoutTrailingSlash(path));
    }

    /** Whether {@code path} is served without a token. */
    public static boolean isPublic(String path) {
        return PUBLIC.contains(withoutTrailingSlash(path));
    }

    private static String withoutTrailingSlash(String path) {
        return path != null && path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
