package org.chatsuite.gateway;

import java.util.HashMap;
import java.util.Map;

import org.chatsuite.processes.Ports;
import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.SuiteProcesses;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real upstreams behind the gateway under test: the packaged user-service and two chat-service
 * replicas, on embedded PostgreSQL and Redis, sharing one signing key. The replicas accept messages
 * at any rate, so that load tests measure delivery, not the per-socket budget.
 */
public class SuiteResource implements QuarkusTestResourceLifecycleManager {

    private static ServiceProcess userService;
    private static ServiceProcess chatService;
    private static ServiceProcess secondChatService;
    private static int deadReplicaPort;

    @Override
    public synchronized Map<String, String> start() {
        String redis = EmbeddedStores.redisUrl();
        if (userService == null) {
            userService = SuiteProcesses.userService("user-service", Map.of());
            Map<String, String> unbudgeted = Map.of("chatsuite.websocket.message-rate", "1000000",
                    "chatsuite.websocket.message-burst", "1000000");
            chatService = SuiteProcesses.chatService("chat-service", ServiceProcess.siblingJar("chat-service"),
                    userService.url(), unbudgeted);
            secondChatService = SuiteProcesses.chatService("chat-service-2", ServiceProcess.siblingJar("chat-service"),
                    userService.url(), unbudgeted);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                chatService.stop();
                secondChatService.stop();
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
        config.put("chatsuite.upstreams.chat-service",
                "http://127.0.0.1:" + deadReplicaPort + "," + chatService.url() + "," + secondChatService.url());
        return config;
    }

    /** A loopback port nobody listens on (taken and released at once). */
    private static int deadPort() {
        return Ports.free();
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

    public static ServiceProcess secondChatService() {
        return secondChatService;
    }
}
