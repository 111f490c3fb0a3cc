package org.chatsuite.load.ceiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.chatsuite.processes.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

/** The ceiling speaks chat-service's frames closely enough for ChatLoad to measure it the same way. */
class BroadcastServerTest {

    private int port;
    private Vertx server;
    private Vertx clients;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        port = Ports.free();
        server = BroadcastServer.start(port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        clients = Vertx.vertx();
        client = clients.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageReachesEverySocketOfItsRoomTheSendersOwnIncludedAndNoOther() throws Exception {
        BlockingQueue<String> ada = new LinkedBlockingQueue<>();
        BlockingQueue<String> bob = new LinkedBlockingQueue<>();
        BlockingQueue<String> elsewhere = new LinkedBlockingQueue<>();
        WebSocket adaSocket = open("/ws/chat/room-1/", ada);
        open("/ws/chat/room-1", bob);
        open("/ws/chat/room-2/", elsewhere);
        for (BlockingQueue<String> frames : java.util.List.of(ada, bob, elsewhere)) {
            assertThat(new JsonObject(next(frames)).getString("type")).isEqualTo("connection_established");
        }

        adaSocket.writeTextMessage("{\"type\":\"message\",\"content\":\"hello\",\"client_id\":\"c-1\"}");

        for (BlockingQueue<String> frames : java.util.List.of(ada, bob)) {
            String text = next(frames);
            assertThat(text).startsWith("{\"type\":\"message\"");
            JsonObject message = new JsonObject(text).getJsonObject("message");
            assertThat(message.getString("content")).isEqualTo("hello");
            assertThat(message.getString("client_id")).isEqualTo("c-1");
            assertThat(message.getString("conversation_id")).isEqualTo("room-1");
            assertThat(message.getString("id")).matches("\\d+-\\d+");
        }
        adaSocket.writeTextMessage("{\"type\":\"ping\"}");
        assertThat(next(ada)).isEqualTo("{\"type\":\"pong\"}");
        assertThat(elsewhere).isEmpty();
    }

    @Test
    void badFramesAreAnsweredWithErrorFrames() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = open("/ws/chat/room/", frames);
        next(frames);

        socket.writeTextMessage("not json");
        assertThat(new JsonObject(next(frames)).getString("code")).isEqualTo("invalid_json");
        socket.writeTextMessage("{\"type\":\"dance\"}");
        assertThat(new JsonObject(next(frames)).getString("code")).isEqualTo("unknown_type");
    }

    @Test
    void otherPathsAreRefused() {
        assertThatThrownBy(() -> open("/ws/other/", new LinkedBlockingQueue<>()))
                .hasRootCauseInstanceOf(io.vertx.core.http.UpgradeRejectedException.class);
    }

    private WebSocket open(String path, BlockingQueue<String> frames) throws Exception {
        // The handler is set as the socket opens, on its event loop: the server's first frame follows at once.
        return client.connect(port, "127.0.0.1", path).map(socket -> {
            socket.textMessageHandler(frames::add);
            return socket;
        })
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String next(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a frame within 10 s").isNotNull();
        return frame;
    }
}
