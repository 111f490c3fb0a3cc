package org.chatsuite.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real user-service (its packaged jar) as an upstream of the service under test, sharing the
 * test PostgreSQL server (database {@code users}), Redis and signing key. Tests reach it through
 * {@link #url()} to register users and log in, and may stop and restart it.
 */
public class UserServiceResource implements QuarkusTestResourceLifecycleManager {

    private static ServiceProcess userService;

    @Override
    public Map<String, String> start() {
        userService = SuiteProcesses.userService("user-service", Map.of());
        return Map.of("quarkus.rest-client.users.url", userService.url());
    }

    @Override
    public void stop() {
        if (userService != null) {
            userService.stop();
        }
    }

    public static ServiceProcess userService() {
        return userService;
    }

    public static String url() {
        return userService.url();
    }
}
