package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** An upstream that accepts connections and never answers: 504 after the response timeout, then 503 from the breaker. */
@QuarkusTest
@TestProfile(HangingUpstreamTest.HangingChatService.class)
class HangingUpstreamTest {

    private static ServerSocket hanging;
    private static final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public static class HangingChatService implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chatsuite.upstreams.chat-service", "http://127.0.0.1:" + hangingPort(),
                    "chatsuite.upstreams.response-timeout", "1S", "chatsuite.upstreams.breaker-failures", "3",
                    "chatsuite.upstreams.breaker-open-for", "30S");
        }
    }

    private static synchronized int hangingPort() {
        if (hanging == null) {
            try {
                hanging = new ServerSocket(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!hanging.isClosed()) {
                    try {
                        accepted.add(hanging.accept()); // read nothing, answer nothing
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "hanging-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }
        return hanging.getLocalPort();
    }

    @AfterAll
    static void close() throws IOException {
        for (Socket s : accepted) {
            s.close();
        }
        hanging.close();
    }

    @Test
    void hangingUpstreamGets504ThenTheBreakerAnswers503() {
        for (int i = 0; i < 3; i++) {
            given().when().get("/api/chat/health/").then().statusCode(504)
                    .body("status", equalTo("error"))
                    .body("code", equalTo("gateway_timeout"));
        }
        given().when().get("/api/chat/health/").then().statusCode(503).body("code", equalTo("service_unavailable"));
        // The other upstream is unaffected.
        given().when().get("/.well-known/jwks.json").then().statusCode(200);
    }
}
