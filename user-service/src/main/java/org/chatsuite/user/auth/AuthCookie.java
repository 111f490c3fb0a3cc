package org.chatsuite.user.auth;

import java.time.Duration;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.NewCookie;

import org.chatsuite.user.UserServiceConfig;
import org.chatsuite.web.TokenCarriers;

/**
 * The access-token cookie ({@link TokenCarriers#COOKIE}): lets browsers (which cannot set headers on a WebSocket)
 * authenticate with no extra code. HttpOnly so scripts cannot read it; SameSite=Lax against CSRF.
 */
@Singleton
public class AuthCookie {

    private final boolean secure;

    AuthCookie(UserServiceConfig config) {
        this.secure = config.cookie().secure();
    }

    public NewCookie carrying(String accessToken, Duration lifetime) {
        return build(accessToken, (int) lifetime.toSeconds());
    }

    public NewCookie cleared() {
        return build("", 0);
    }

    private NewCookie build(String value, int maxAgeSeconds) {
        return new NewCookie.Builder(TokenCarriers.COOKIE)
                .value(value)
                .path("/")
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.LAX)
                .maxAge(maxAgeSeconds)
                .build();
    }
}
