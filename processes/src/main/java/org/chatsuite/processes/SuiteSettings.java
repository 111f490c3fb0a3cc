package org.chatsuite.processes;

import java.nio.file.Path;
import java.util.List;

/**
 * The one definition of what each service of the local suite is told, as the environment variables
 * of the README's configuration tables: how it reaches the stores and the other services, and the
 * local defaults. The launcher ({@code ./run.sh}) and the tests' service processes both start from
 * it; docker-compose.yml and the Kubernetes manifests cannot be generated from Java, so
 * deployment's {@code LocalSettingsTest} compares their variables with these.
 */
public final class SuiteSettings {

    /** Each service owns its database: no service reads another's tables. */
    public static final String USERS_DATABASE = "users";
    public static final String CHAT_DATABASE = "chat";

    private final String redisUrl;
    private final String browserOrigins;

    /**
     * @param redisUrl       the Redis every service shares
     * @param browserOrigins the origins of the web client (comma-separated) that chat-service and the
     *                       gateway accept by default, or null to keep the services' own defaults
     */
    public SuiteSettings(String redisUrl, String browserOrigins) {
        this.redisUrl = redisUrl;
        this.browserOrigins = browserOrigins;
    }

    /** user-service, on its database, signing tokens with {@code signingKey} (a PEM file). */
    public ServiceEnvironment userService(ServicePorts ports, Database database, Path signingKey) {
        return common(ports, database)
                .wire("CHATSUITE_JWT_PRIVATE_KEY_LOCATION", signingKey.toString());
    }

    /** chat-service, on its database, asking user-service about users and for the keys that verify tokens. */
    public ServiceEnvironment chatService(ServicePorts ports, Database database, String userServiceUrl) {
        ServiceEnvironment chat = common(ports, database)
                .wire("MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwks(userServiceUrl))
                .wire("QUARKUS_REST_CLIENT_USERS_URL", userServiceUrl);
        if (browserOrigins != null) {
            chat.byDefault("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins);
        }
        return chat;
    }

    /** The gateway in front of user-service and the chat-service replicas (it balances them). */
    public ServiceEnvironment gateway(ServicePorts ports, String userServiceUrl, List<String> chatServiceUrls) {
        ServiceEnvironment gateway = common(ports)
                .wire("CHATSUITE_UPSTREAMS_USER_SERVICE", userServiceUrl)
                .wire("CHATSUITE_UPSTREAMS_CHAT_SERVICE", String.join(",", chatServiceUrls))
                .wire("MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwks(userServiceUrl));
        if (browserOrigins != null) {
            gateway.byDefault("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins)
                    .byDefault("QUARKUS_HTTP_CORS_ORIGINS", browserOrigins);
        }
        return gateway;
    }

    /** The address of a local service's port. */
    public static String localUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    private ServiceEnvironment common(ServicePorts ports, Database database) {
        return common(ports)
                .wire("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl())
                .wire("QUARKUS_DATASOURCE_USERNAME", database.username())
                .wire("QUARKUS_DATASOURCE_PASSWORD", database.password());
    }

    private ServiceEnvironment common(ServicePorts ports) {
        return new ServiceEnvironment()
                .wire("QUARKUS_HTTP_PORT", String.valueOf(ports.http()))
                .wire("QUARKUS_MANAGEMENT_PORT", String.valueOf(ports.management()))
                .wire("QUARKUS_REDIS_HOSTS", redisUrl)
                .byDefault("QUARKUS_HTTP_HOST", "127.0.0.1")
                // Health and metrics stay on this machine even when the API is opened to others.
                .byDefault("QUARKUS_MANAGEMENT_HOST", "127.0.0.1")
                // Plain lines for a person reading the log files (the prod profile writes JSON).
                .byDefault("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
    }

    private static String jwks(String userServiceUrl) {
        return userServiceUrl + "/.well-known/jwks.json";
    }
}
