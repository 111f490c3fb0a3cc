package org.chatsuite.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.chatsuite.processes.ServiceEnvironment;
import org.chatsuite.processes.ServicePorts;
import org.junit.jupiter.api.Test;

/** How a service's environment is composed from the launcher's wiring, its local defaults and what the user exported. */
class SuiteEnvironmentsTest {

    private final SuiteEnvironments suite = new SuiteEnvironments(
            Options.parse("--gateway-port", "9080", "--chat-port", "9082", "--chat-replicas", "2"),
            new Stores.Endpoints("jdbc:postgresql://127.0.0.1:5433", "postgres", "", "redis://127.0.0.1:6380"),
            Path.of("/data/keys/jwt-private.pem"));

    @Test
    void anExportedSettingWinsOverTheLaunchersDefault() {
        // A web client served by a Vite dev server that proxies /api and /ws to the gateway.
        Map<String, String> exported = Map.of(
                "CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", "http://localhost:5173",
                "QUARKUS_HTTP_CORS_ORIGINS", "http://localhost:5173",
                "QUARKUS_HTTP_HOST", "0.0.0.0",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        for (ServiceEnvironment service : new ServiceEnvironment[] { suite.gateway(9180), suite.chatService(new ServicePorts(9083, 9183)) }) {
            Map<String, String> env = service.compose(exported);
            assertEquals("http://localhost:5173", env.get("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS"));
            assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST"));
            assertEquals("true", env.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED"));
        }
        assertEquals("http://localhost:5173", suite.gateway(9180).compose(exported).get("QUARKUS_HTTP_CORS_ORIGINS"));
        assertEquals("0.0.0.0", suite.userService(9181).compose(exported).get("QUARKUS_HTTP_HOST"));
    }

    @Test
    void withoutAnExportTheDefaultsSuitTheWebClientServedByTheGateway() {
        Map<String, String> chat = suite.chatService(new ServicePorts(9082, 9182)).compose(Map.of());
        assertEquals("http://localhost:9080,http://127.0.0.1:9080", chat.get("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS"));
        assertEquals("127.0.0.1", chat.get("QUARKUS_HTTP_HOST"));
        assertEquals("false", chat.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED"));
        assertEquals("http://localhost:9080,http://127.0.0.1:9080",
                suite.gateway(9180).compose(Map.of()).get("QUARKUS_HTTP_CORS_ORIGINS"));
    }

    @Test
    void everyOtherExportedVariablePassesThroughUnchanged() {
        Map<String, String> exported = Map.of("CHATSUITE_THROTTLE_USER_PER_MINUTE", "0", "PATH", "/usr/bin", "LANG", "C.UTF-8");
        Map<String, String> env = suite.gateway(9180).compose(exported);
        assertEquals("0", env.get("CHATSUITE_THROTTLE_USER_PER_MINUTE"));
        assertEquals("/usr/bin", env.get("PATH"));
        assertEquals("C.UTF-8", env.get("LANG"));
    }

    @Test
    void theWiringFollowsTheOptionsAndAnExportOfItIsReportedAsIgnored() {
        Map<String, String> exported = Map.of("QUARKUS_HTTP_PORT", "1234", "QUARKUS_REDIS_HOSTS", "redis://elsewhere:6379");
        ServiceEnvironment secondReplica = suite.chatService(new ServicePorts(9083, 9183));
        Map<String, String> env = secondReplica.compose(exported);
        assertEquals("9083", env.get("QUARKUS_HTTP_PORT"));
        assertEquals("9183", env.get("QUARKUS_MANAGEMENT_PORT"));
        assertEquals("redis://127.0.0.1:6380", env.get("QUARKUS_REDIS_HOSTS"));
        assertEquals("jdbc:postgresql://127.0.0.1:5433/chat", env.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals("http://127.0.0.1:8081", env.get("QUARKUS_REST_CLIENT_USERS_URL"));
        assertEquals(Set.of("QUARKUS_HTTP_PORT", "QUARKUS_REDIS_HOSTS"), secondReplica.ignoredFrom(exported));
        assertEquals(Set.of(), secondReplica.ignoredFrom(Map.of("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", "x")));

        Map<String, String> gateway = suite.gateway(9180).compose(exported);
        assertEquals("9080", gateway.get("QUARKUS_HTTP_PORT"));
        assertEquals("http://127.0.0.1:9082,http://127.0.0.1:9083", gateway.get("CHATSUITE_UPSTREAMS_CHAT_SERVICE"));
        assertEquals("/data/keys/jwt-private.pem", suite.userService(9181).compose(exported).get("CHATSUITE_JWT_PRIVATE_KEY_LOCATION"));
        assertEquals("jdbc:postgresql://127.0.0.1:5433/users", suite.userService(9181).compose(exported).get("QUARKUS_DATASOURCE_JDBC_URL"));
    }
}
