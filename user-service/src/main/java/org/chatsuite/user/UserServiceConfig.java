package org.chatsuite.user;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code chatsuite.*} setting of user-service (environment: {@code CHATSUITE_...}). */
@ConfigMapping(prefix = "chatsuite")
public interface UserServiceConfig {

    Jwt jwt();

    Password password();

    Login login();

    Cookie cookie();

    interface Jwt {
        /** Value of the {@code iss} claim. */
        @WithDefault("chat-suite")
        String issuer();

        /** PEM (PKCS#8) file of the active signing key. */
        Optional<String> privateKeyLocation();

        /** The PEM itself, for platforms that pass secrets as environment variables. */
        Optional<String> privateKey();

        /** PEM public keys of retired signing keys, still published in the JWKS during a rotation. */
        Optional<List<String>> previousPublicKeyLocations();

        /** Dev and test only: generate a throw-away key when none is configured. */
        @WithDefault("false")
        boolean generateKeyIfMissing();

        @WithDefault("15M")
        Duration accessTokenTtl();

        @WithDefault("7D")
        Duration refreshTokenTtl();
    }

    interface Password {
        /** bcrypt cost factor (log2 rounds); at least 10. */
        @WithDefault("12")
        int bcryptCost();
    }

    interface Login {
        /** Failed logins allowed per email within {@link #failureWindow()} before 429. */
        @WithDefault("10")
        int maxFailures();

        @WithDefault("15M")
        Duration failureWindow();
    }

    interface Cookie {
        /** Set the Secure attribute on the auth cookie (turn on behind HTTPS). */
        @WithDefault("false")
        boolean secure();
    }
}
