package org.chatsuite.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A chat-service replica that is not ready refuses sockets with 503 (see chat-service's HandshakeCheck):
 * the gateway then opens the socket on the next replica and leaves the refusing one out for a while,
 * so a not-ready replica gets no new sockets and clients see no failure.
 */
@QuarkusTest
@TestProfile(NotReadyReplicaTest.OneReplicaNotReady.class)
class NotReadyReplicaTest {

    private static final Vertx FAKES = Vertx.vertx();
    private static final AtomicInteger refused = new AtomicInteger();
    private static final AtomicInteger accepted = new AtomicInteger();
    private static final int NOT_READY = listen(request -> {
        refused.incrementAndGet();
        request.response().setStatusCode(503).putHeader("Retry-After", "1").end();
    });
    private static final int READY = listen(request -> request.toWebSocket().onSuccess(ws -> {
        accepted.incrementAndGet();
        ws.writeTextMessage("{\"type\":\"connection_established\"}");
    }));

    public static class OneReplicaNotReady implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chatsuite.upstreams.chat-service", "http://127.0.0.1:" + NOT_READY + ",http://127.0.0.1:" + READY,
                    "chatsuite.upstreams.breaker-open-for", "30S");
        }
    }

    private static int listen(Handler<HttpServerRequest> handler) {
        try {
            return FAKES.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("could not start a fake replica", e);
        }
    }

    @AfterAll
    static void stopFakes() {
        FAKES.close();
    }

    @Test
    void socketsGoToTheReadyReplicaAndTheNotReadyOneIsAskedOnce() throws Exception {
        Api.User ada = Api.newUser("Ada");
        WebSocketClient client = FAKES.createWebSocketClient();
        for (int i = 0; i < 10; i++) {
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(RestAssured.port)
                    .setURI("/ws/chat/" + UUID.randomUUID() + "/").addHeader("Authorization", "Bearer " + ada.token());
            WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture()
                    .get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
            socket.close();
        }
        assertThat(accepted).hasValue(10);
        // Round robin would have sent half of them there; after its first 503 it is left out.
        assertThat(refused).hasValue(1);
    }
}
