package org.chatsuite.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.chatsuite.processes.ServicePorts;
import org.chatsuite.processes.ServiceEnvironment;
import org.chatsuite.processes.SuiteSettings;

/**
 * The packaged services as processes on the shared test stores and signing key, with the settings
 * the local suite gives them ({@link SuiteSettings}): upstreams for the service under test, extra
 * replicas, or the stack of a benchmark. {@code extra} is configuration (property names) that wins
 * over those settings.
 */
public final class SuiteProcesses {

    private SuiteProcesses() {
    }

    /** user-service (database {@code users}), signing with the test key. */
    public static ServiceProcess userService(String name, Map<String, String> extra) {
        ServicePorts ports = ServicePorts.free();
        Map<String, String> config = new HashMap<>();
        // The test profile's cost, not production's: tests register many users.
        config.put("chatsuite.password.bcrypt-cost", "10");
        config.putAll(extra);
        return start(name, ServiceProcess.siblingJar("user-service"), ports, settings().userService(ports,
                EmbeddedStores.postgres(SuiteSettings.USERS_DATABASE), TestKeys.current().privateKeyFile()), config);
    }

    /** chat-service (database {@code chat}) from {@code jar}, verifying tokens with user-service's JWKS. */
    public static ServiceProcess chatService(String name, Path jar, String userServiceUrl, Map<String, String> extra) {
        ServicePorts ports = ServicePorts.free();
        return start(name, jar, ports, settings().chatService(ports, EmbeddedStores.postgres(SuiteSettings.CHAT_DATABASE),
                userServiceUrl), extra);
    }

    /**
     * The gateway from {@code jar} in front of user-service and the chat-service replicas, sharing
     * the test Redis for throttling and revocation.
     */
    public static ServiceProcess gateway(String name, Path jar, String userServiceUrl, List<String> chatServiceUrls,
            Map<String, String> extra) {
        ServicePorts ports = ServicePorts.free();
        return start(name, jar, ports, settings().gateway(ports, userServiceUrl, chatServiceUrls), extra);
    }

    /** The services' own browser origins: tests send the Origin they are configured with. */
    private static SuiteSettings settings() {
        return new SuiteSettings(EmbeddedStores.redisUrl(), null);
    }

    private static ServiceProcess start(String name, Path jar, ServicePorts ports, ServiceEnvironment settings,
            Map<String, String> extra) {
        return ServiceProcess.start(name, jar, ports, settings.compose(System.getenv()), extra);
    }
}
