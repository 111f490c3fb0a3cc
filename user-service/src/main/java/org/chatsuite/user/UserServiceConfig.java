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

        /** How many hashes run at once; absent: one per core, so hashing cannot take the CPU from every other route. */
        Optional<Integer> hashingConcurrency();

        /** How many hashing requests may wait for a free slot; beyond that a request gets 503 at once. */
        @WithDefault("16")
        int hashingQueue();
    }

    /** Failed-login throttling (docs/API.md#failed-logins). */
    interface Login {
        /** Failed logins allowed per email from one client IP within {@link #failureWindow()} before 429. */
        @WithDefault("10")
        int maxFailures();

        @WithDefault("15M")
        Duration failureWindow();

        /** Failures of one email, from every IP, after which attempts from IPs it has not logged in from must wait. */
        @WithDefault("20")
        int emailDelayThreshold();

        /** The wait after the threshold's failure; each further failure doubles it. */
        @WithDefault("1S")
        Duration emailFirstDelay();

        @WithDefault("15M")
        Duration emailMaxDelay();

        /** How long an email's failure count is kept after its latest failure. */
        @WithDefault("24H")
        Duration emailFailureMemory();

        /** How long an IP stays exempt from an email's delays after a successful login of that email from it. */
        @WithDefault("30D")
        Duration knownIpTtl();
    }

    interface Cookie {
        /** Set the Secure attribute on the auth cookie (turn on behind HTTPS). */
        @WithDefault("false")
        boolean secure();
    }
}
