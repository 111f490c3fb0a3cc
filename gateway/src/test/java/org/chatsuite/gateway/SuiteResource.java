package org.chatsuite.gateway;

import java.util.HashMap;
import java.util.Map;

import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.TestKeys;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real upstreams behind the gateway under test: the packaged user-service and chat-service,
 * on embedded PostgreSQL and Redis, sharing one signing key.
 */
public class SuiteResource implements QuarkusTestResourceLifecycleManager {

    private static ServiceProcess userService;
    private static ServiceProcess chatService;

    @Override
    public synchronized Map<String, String> start() {
        String redis = EmbeddedStores.redisUrl();
        if (userService == null) {
            EmbeddedStores.Database users = EmbeddedStores.postgres("users");
            userService = ServiceProcess.start("user-service", ServiceProcess.siblingJar("user-service"), Map.of(
                    "quarkus.datasource.jdbc.url", users.jdbcUrl(), "quarkus.datasource.username", users.username(),
                    "quarkus.datasource.password", users.password(), "quarkus.redis.hosts", redis,
                    "chatsuite.jwt.private-key-location", TestKeys.current().privateKeyFile().toString(),
                    "chatsuite.password.bcrypt-cost", "10", "quarkus.log.console.json.enabled", "false"));
            EmbeddedStores.Database chat = EmbeddedStores.postgres("chat");
            chatService = ServiceProcess.start("chat-service", ServiceProcess.siblingJar("chat-service"), Map.of(
                    "quarkus.datasource.jdbc.url", chat.jdbcUrl(), "quarkus.datasource.username", chat.username(),
                    "quarkus.datasource.password", chat.password(), "quarkus.redis.hosts", redis,
                    "mp.jwt.verify.publickey.location", userService.url() + "/.well-known/jwks.json",
                    "quarkus.rest-client.users.url", userService.url(), "quarkus.log.console.json.enabled", "false"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                chatService.stop();
                userService.stop();
            }));
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.redis.hosts", redis);
        config.put("chatsuite.upstreams.user-service", userService.url());
        config.put("chatsuite.upstreams.chat-service", chatService.url());
        return config;
    }

    @Override
    public void stop() {
        // The upstreams live as long as the test JVM: several test classes (profiles) share them.
    }

    public static ServiceProcess userService() {
        return userService;
    }

    public static ServiceProcess chatService() {
        return chatService;
    }
}
