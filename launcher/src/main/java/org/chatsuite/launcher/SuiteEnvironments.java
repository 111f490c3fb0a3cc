package org.chatsuite.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.chatsuite.processes.ServiceEnvironment;
import org.chatsuite.processes.ServicePorts;
import org.chatsuite.processes.SuiteSettings;

/** The suite's settings ({@link SuiteSettings}) on the ports and stores of the launcher's options. */
final class SuiteEnvironments {

    private final Options options;
    private final Stores.Endpoints stores;
    private final Path jwtKey;
    private final SuiteSettings settings;

    SuiteEnvironments(Options options, Stores.Endpoints stores, Path jwtKey) {
        this.options = options;
        this.stores = stores;
        this.jwtKey = jwtKey;
        this.settings = new SuiteSettings(stores.redisUrl(), browserOrigins(options.gatewayPort()));
    }

    /** The chat-service replicas' ports: the first from the options, each further one the next port. */
    List<Integer> chatPorts() {
        return IntStream.range(0, options.chatReplicas()).mapToObj(i -> options.chatPort() + i).toList();
    }

    ServiceEnvironment userService(int managementPort) {
        return settings.userService(new ServicePorts(options.userPort(), managementPort), stores.database(SuiteSettings.USERS_DATABASE), jwtKey);
    }

    ServiceEnvironment chatService(ServicePorts ports) {
        return settings.chatService(ports, stores.database(SuiteSettings.CHAT_DATABASE), userUrl());
    }

    ServiceEnvironment gateway(int managementPort) {
        return settings.gateway(new ServicePorts(options.gatewayPort(), managementPort), userUrl(), chatPorts().stream().map(SuiteSettings::localUrl).toList());
    }

    /** The web client is served by the gateway, so its origin is the gateway's, by either local name. */
    private static String browserOrigins(int gatewayPort) {
        return "http://localhost:" + gatewayPort + ",http://127.0.0.1:" + gatewayPort;
    }

    private String userUrl() {
        return SuiteSettings.localUrl(options.userPort());
    }
}
