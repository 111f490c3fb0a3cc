package org.chatsuite.gateway;

import java.util.HashMap;
import java.util.Map;

import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.SuiteProcesses;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real upstreams behind the gateway under test: the packaged user-service and chat-service,
 * on embedded PostgreSQL and Redis, sharing one signing key.
 */
public class SuiteResource implements QuarkusTestResourceLifecycleManager {

    private static ServiceProcess userService;
    private static ServiceProcess chatService;
    private static int deadReplicaPort;

    @Override
    public synchronized Map<String, String> start() {
        String redis = EmbeddedStores.redisUrl();
        if (userService == null) {
            userService = SuiteProcesses.userService("user-service", Map.of());
            chatService = SuiteProcesses.chatService("chat-service", ServiceProcess.siblingJar("chat-service"),
                    userService.url(), Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                chatService.stop();
                userService.stop();
            }));
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.redis.hosts", redis);
        config.put("chatsuite.upstreams.user-service", userService.url());
        // A replica that refuses connections comes first: every test then also proves it is skipped.
        if (deadReplicaPort == 0) {
            deadReplicaPort = deadPort();
        }
        config.put("chatsuite.upstreams.chat-service", "http://127.0.0.1:" + deadReplicaPort + "," + chatService.url());
        return config;
    }

    /** A loopback port nobody listens on (taken and released at once). */
    private static int deadPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The upstreams live as long as the test JVM: several test classes (profiles) share them.
    }

    public static ServiceProcess userService() {
        return userService;
    }

    /** The chat-service replica listed before the real one, on a port nobody listens on. */
    public static int deadReplicaPort() {
        return deadReplicaPort;
    }

    public static ServiceProcess chatService() {
        return chatService;
    }
}
