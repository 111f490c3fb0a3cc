package org.chatsuite.testsupport;

import java.util.HashMap;
import java.util.Map;

import org.chatsuite.processes.Database;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts (or reuses) PostgreSQL and Redis and a JWT key pair, and hands their addresses to the
 * application under test, whether it runs in the test JVM ({@code @QuarkusTest}) or as the packaged
 * artifact ({@code @QuarkusIntegrationTest}).
 *
 * <p>Init arguments: {@code database}, the PostgreSQL database the service owns (default {@code app});
 * {@code signs-tokens=true} for the service that issues tokens (it gets the private key).
 */
public class ChatSuiteTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "app";
    private boolean signsTokens;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
        signsTokens = Boolean.parseBoolean(initArgs.get("signs-tokens"));
    }

    @Override
    public Map<String, String> start() {
        Database db = EmbeddedStores.postgres(database);
        TestKeys keys = TestKeys.current();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
        config.put("quarkus.datasource.username", db.username());
        config.put("quarkus.datasource.password", db.password());
        config.put("quarkus.redis.hosts", EmbeddedStores.redisUrl());
        config.put("mp.jwt.verify.publickey.location", keys.publicKeyFile().toString());
        if (signsTokens) {
            config.put("chatsuite.jwt.private-key-location", keys.privateKeyFile().toString());
        }
        return config;
    }

    @Override
    public void stop() {
        // The stores live as long as the JVM: several test classes (and a multi-replica test)
        // share them, and both libraries stop their processes in a shutdown hook.
    }
}
