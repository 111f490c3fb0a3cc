package org.chatsuite.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SuiteSettingsTest {

    private final Database chat = new Database("jdbc:postgresql://127.0.0.1:5433/chat", "postgres", "");

    @Test
    void withoutBrowserOriginsTheServicesKeepTheirOwn() {
        SuiteSettings settings = new SuiteSettings("redis://127.0.0.1:6380", null);
        assertFalse(settings.chatService(new ServicePorts(9082, 9182), chat, "http://127.0.0.1:9081").names().contains("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS"));
        assertFalse(settings.gateway(new ServicePorts(9080, 9180), "http://127.0.0.1:9081", List.of()).names().contains("QUARKUS_HTTP_CORS_ORIGINS"));
    }

    @Test
    void eachServiceIsWiredToTheStoresAndTheOthers() {
        SuiteSettings settings = new SuiteSettings("redis://127.0.0.1:6380", "http://localhost:9080");
        Map<String, String> user = settings.userService(new ServicePorts(9081, 9181), new Database("jdbc:postgresql://h/users", "u", "p"),
                Path.of("/keys/jwt.pem")).compose(Map.of());
        assertEquals("jdbc:postgresql://h/users", user.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals("/keys/jwt.pem", user.get("CHATSUITE_JWT_PRIVATE_KEY_LOCATION"));
        assertEquals("9081", user.get("QUARKUS_HTTP_PORT"));
        assertEquals("9181", user.get("QUARKUS_MANAGEMENT_PORT"));
        assertEquals("127.0.0.1", user.get("QUARKUS_MANAGEMENT_HOST"));

        ServiceEnvironment gateway = settings.gateway(new ServicePorts(9080, 9180), "http://127.0.0.1:9081",
                List.of("http://127.0.0.1:9082", "http://127.0.0.1:9083"));
        assertEquals(Set.of("QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_PORT", "QUARKUS_REDIS_HOSTS", "CHATSUITE_UPSTREAMS_USER_SERVICE",
                "CHATSUITE_UPSTREAMS_CHAT_SERVICE", "MP_JWT_VERIFY_PUBLICKEY_LOCATION"), gateway.wiredNames());
        Map<String, String> env = gateway.compose(Map.of());
        assertEquals("http://127.0.0.1:9082,http://127.0.0.1:9083", env.get("CHATSUITE_UPSTREAMS_CHAT_SERVICE"));
        assertEquals("http://127.0.0.1:9081/.well-known/jwks.json", env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        assertEquals("http://localhost:9080", env.get("QUARKUS_HTTP_CORS_ORIGINS"));
        assertEquals("redis://127.0.0.1:6380", env.get("QUARKUS_REDIS_HOSTS"));
    }
}
