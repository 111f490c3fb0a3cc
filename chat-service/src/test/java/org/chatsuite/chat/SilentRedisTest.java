package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Redis that stops answering without closing its connections (a stalled disk, a paused VM): a socket
 * that is being opened then must be closed (1013, reconnect later), never left open and silent, and
 * the conversation must work again as soon as Redis answers.
 */
@QuarkusTest
class SilentRedisTest {

    /** Longer than opening a socket may take (twice quarkus.redis.timeout). */
    private static final Duration PAUSE = Duration.ofSeconds(20);

    @Inject
    Redis redis;

    @Test
    void aSocketOpenedWhileRedisStallsIsClosedAndTheConversationRecovers() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String conversation = Users.conversation(ada, bob);
        String url = "ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + conversation;
        // Writes and scripts wait, reads go on: the handshake passes, opening the socket stalls part-way.
        client("PAUSE", String.valueOf(PAUSE.toMillis()), "WRITE");
        try (WsClient stalled = WsClient.connect(url, ada.token())) {
            Awaitility.await().atMost(PAUSE.minusSeconds(1)).pollInterval(Duration.ofMillis(200))
                    .until(stalled::isClosed);
            assertThat(stalled.awaitCloseCode()).isEqualTo(1013);
        } finally {
            client("UNPAUSE");
        }
        try (WsClient socket = WsClient.connect(url, ada.token())) {
            socket.nextOfType("connection_established");
            socket.send(Map.of("type", "message", "content", "after the stall", "client_id", "stall-1"));
            assertThat(socket.nextOfType("message").path("message").path("content").asText()).isEqualTo("after the stall");
        }
    }

    private void client(String... args) {
        Request request = Request.cmd(Command.CLIENT);
        for (String arg : args) {
            request.arg(arg);
        }
        redis.send(request).await().atMost(Duration.ofSeconds(5));
    }
}
