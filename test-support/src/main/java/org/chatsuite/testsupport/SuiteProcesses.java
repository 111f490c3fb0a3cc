package org.chatsuite.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged services as processes on the shared test stores and signing key: upstreams for the
 * service under test, extra replicas, or the stack of a benchmark.
 */
public final class SuiteProcesses {

    private SuiteProcesses() {
    }

    /** user-service (database {@code users}), signing with the test key. */
    public static ServiceProcess userService(String name, Map<String, String> extra) {
        EmbeddedStores.Database db = EmbeddedStores.postgres("users");
        Map<String, String> config = common(db);
        config.put("chatsuite.jwt.private-key-location", TestKeys.current().privateKeyFile().toString());
        config.put("chatsuite.password.bcrypt-cost", "10");
        config.putAll(extra);
        return ServiceProcess.start(name, ServiceProcess.siblingJar("user-service"), config);
    }

    /** chat-service (database {@code chat}) from {@code jar}, verifying tokens with user-service's JWKS. */
    public static ServiceProcess chatService(String name, Path jar, String userServiceUrl, Map<String, String> extra) {
        EmbeddedStores.Database db = EmbeddedStores.postgres("chat");
        Map<String, String> config = common(db);
        config.put("mp.jwt.verify.publickey.location", userServiceUrl + "/.well-known/jwks.json");
        config.put("quarkus.rest-client.users.url", userServiceUrl);
        config.putAll(extra);
        return ServiceProcess.start(name, jar, config);
    }

    /**
     * The gateway from {@code jar} in front of user-service and the chat-service replicas, sharing
     * the test Redis for throttling and revocation.
     */
    public static ServiceProcess gateway(String name, Path jar, String userServiceUrl, java.util.List<String> chatServiceUrls,
            Map<String, String> extra) {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.redis.hosts", EmbeddedStores.redisUrl());
        config.put("quarkus.log.console.json.enabled", "false");
        config.put("chatsuite.upstreams.user-service", userServiceUrl);
        config.put("chatsuite.upstreams.chat-service", String.join(",", chatServiceUrls));
        config.putAll(extra);
        return ServiceProcess.start(name, jar, config);
    }

    private static Map<String, String> common(EmbeddedStores.Database db) {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
        config.put("quarkus.datasource.username", db.username());
        config.put("quarkus.datasource.password", db.password());
        config.put("quarkus.redis.hosts", EmbeddedStores.redisUrl());
        config.put("quarkus.log.console.json.enabled", "false");
        return config;
    }
}
