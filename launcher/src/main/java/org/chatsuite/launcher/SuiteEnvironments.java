package org.chatsuite.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** What each service of the local suite is told: how it reaches the others and the stores, and local defaults. */
final class SuiteEnvironments {

    private final Options options;
    private final Stores.Endpoints stores;
    private final Path jwtKey;

    SuiteEnvironments(Options options, Stores.Endpoints stores, Path jwtKey) {
        this.options = options;
        this.stores = stores;
        this.jwtKey = jwtKey;
    }

    /** The chat-service replicas' ports: the first from the options, each further one the next port. */
    List<Integer> chatPorts() {
        return IntStream.range(0, options.chatReplicas()).mapToObj(i -> options.chatPort() + i).toList();
    }

    ServiceEnvironment userService() {
        return common(options.userPort())
                .wire("QUARKUS_DATASOURCE_JDBC_URL", stores.jdbcUrl(Stores.USERS_DB))
                .wire("QUARKUS_DATASOURCE_USERNAME", stores.postgresUser())
                .wire("QUARKUS_DATASOURCE_PASSWORD", stores.postgresPassword())
                .wire("CHATSUITE_JWT_PRIVATE_KEY_LOCATION", jwtKey.toString());
    }

    ServiceEnvironment chatService(int port) {
        return common(port)
                .wire("QUARKUS_DATASOURCE_JDBC_URL", stores.jdbcUrl(Stores.CHAT_DB))
                .wire("QUARKUS_DATASOURCE_USERNAME", stores.postgresUser())
                .wire("QUARKUS_DATASOURCE_PASSWORD", stores.postgresPassword())
                .wire("MP_JWT_VERIFY_PUBLICKEY_LOCATION", userUrl() + "/.well-known/jwks.json")
                .wire("QUARKUS_REST_CLIENT_USERS_URL", userUrl())
                .byDefault("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins());
    }

    ServiceEnvironment gateway() {
        String chatUrls = chatPorts().stream().map(SuiteEnvironments::local).collect(Collectors.joining(","));
        return common(options.gatewayPort())
                .wire("CHATSUITE_UPSTREAMS_USER_SERVICE", userUrl())
                .wire("CHATSUITE_UPSTREAMS_CHAT_SERVICE", chatUrls)
                .wire("MP_JWT_VERIFY_PUBLICKEY_LOCATION", userUrl() + "/.well-known/jwks.json")
                .byDefault("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins())
                .byDefault("QUARKUS_HTTP_CORS_ORIGINS", browserOrigins());
    }

    private ServiceEnvironment common(int port) {
        return new ServiceEnvironment()
                .wire("QUARKUS_HTTP_PORT", String.valueOf(port))
                .wire("QUARKUS_REDIS_HOSTS", stores.redisUrl())
                .byDefault("QUARKUS_HTTP_HOST", "127.0.0.1")
                .byDefault("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
    }

    /** The web client is served by the gateway, so its origin is the gateway's, by either local name. */
    private String browserOrigins() {
        return "http://localhost:" + options.gatewayPort() + ",http://127.0.0.1:" + options.gatewayPort();
    }

    private String userUrl() {
        return local(options.userPort());
    }

    private static String local(int port) {
        return "http://127.0.0.1:" + port;
    }
}
