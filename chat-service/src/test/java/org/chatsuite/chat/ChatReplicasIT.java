package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.SuiteProcesses;
import org.chatsuite.testsupport.UserServiceResource;
import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Two chat-service processes (the packaged app, twice) on one PostgreSQL and Redis: messages sent
 * concurrently on both reach the sockets on both in one identical order, with nothing lost or
 * duplicated; stopping a replica closes its sockets with 1001 and a client resumes on the other.
 */
@QuarkusIntegrationTest
class ChatReplicasIT {

    private static final int PER_SENDER = 40;

    private static ServiceProcess secondReplica() {
        return SuiteProcesses.chatService("chat-service-b", ServiceProcess.ownJar(), UserServiceResource.url(), Map.of());
    }

    private static String ws(int port, String conversation) {
        return "ws://127.0.0.1:" + port + "/ws/chat/" + conversation;
    }

    @Test
    void messagesSentOnBothReplicasArriveEverywhereInOneOrder() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        int portA = RestAssured.port;
        try (ServiceProcess b = secondReplica()) {
            int portB = b.port();
            List<WsClient> sockets = List.of(WsClient.connect(ws(portA, c), ada.token()),
                    WsClient.connect(ws(portB, c), ada.token()), WsClient.connect(ws(portA, c), bob.token()),
                    WsClient.connect(ws(portB, c), bob.token()));
            try {
                for (WsClient s : sockets) {
                    assertThat(s.next().path("type").asText()).isEqualTo("connection_established");
                }
                ExecutorService pool = Executors.newFixedThreadPool(2);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> senders = new ArrayList<>();
                for (WsClient sender : List.of(sockets.get(0), sockets.get(3))) {
                    senders.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < PER_SENDER; i++) {
                            sender.send(Map.of("type", "message", "content", "m" + i, "client_id", sender.hashCode() + "-" + i));
                            Thread.sleep(30); // pace the sender: a steady stream, within the per-user frame budget's burst
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : senders) {
                    f.get();
                }
                pool.shutdown();

                List<List<String>> orders = new ArrayList<>();
                for (WsClient s : sockets) {
                    List<String> ids = new ArrayList<>();
                    while (ids.size() < 2 * PER_SENDER) {
                        JsonNode frame = s.nextOfType("message");
                        ids.add(frame.path("message").path("id").asText());
                    }
                    orders.add(ids);
                }
                assertThat(new HashSet<>(orders.get(0))).hasSize(2 * PER_SENDER);
                for (List<String> order : orders) {
                    assertThat(order).isEqualTo(orders.get(0));
                }
                List<String> history = ada.api().queryParam("limit", 100)
                        .when().get("/api/chat/conversations/" + c + "/messages/")
                        .then().statusCode(200).extract().jsonPath().getList("data.messages.id", String.class);
                assertThat(history).isEqualTo(orders.get(0));

                // Graceful shutdown of replica B: its sockets are told to go away (1001)...
                String lastSeen = orders.get(0).get(orders.get(0).size() - 1);
                b.stop();
                assertThat(sockets.get(1).awaitCloseCode()).isEqualTo(1001);
                assertThat(sockets.get(3).awaitCloseCode()).isEqualTo(1001);
                // ... and a client that resumes on replica A loses nothing sent meanwhile.
                ada.api().contentType(ContentType.JSON).body(Map.of("content", "while you moved"))
                        .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
                try (WsClient moved = WsClient.connect(ws(portA, c) + "?last_id=" + lastSeen, bob.token())) {
                    assertThat(moved.next().path("type").asText()).isEqualTo("connection_established");
                    assertThat(moved.nextOfType("message").path("message").path("content").asText())
                            .isEqualTo("while you moved");
                }
            } finally {
                sockets.forEach(WsClient::close);
            }
        }
    }

    @Test
    void restFlowsWorkOnThePackagedApp() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "hello"))
                .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
        bob.api().when().get("/api/chat/conversations/").then().statusCode(200)
                .body("data[0].unread_count", org.hamcrest.Matchers.equalTo(1))
                .body("data[0].last_message.content", org.hamcrest.Matchers.equalTo("hello"));
        // Health and metrics are on the management port only (readiness of a replica: ServiceProcess).
        bob.api().when().get("/q/health/ready").then().statusCode(404);
    }
}
