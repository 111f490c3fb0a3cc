package org.chatsuite.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The product end to end, black-box: only the gateway's public HTTP and WebSocket endpoints of the
 * suite that {@code ./run.sh} starts.
 */
@ExtendWith(LocalSuite.class)
class SuiteScenarioIT {

    private static final String PASSWORD = "end to end password 1";

    record User(long id, String email, String token) {
        RequestSpecification api() {
            return given().baseUri(LocalSuite.gatewayUrl()).header("Authorization", "Bearer " + token);
        }
    }

    @Test
    void twoUsersChatFromRegistrationToLogout() {
        given().baseUri(LocalSuite.gatewayUrl()).when().get("/").then().statusCode(200)
                .contentType(containsString("text/html"));
        given().baseUri(LocalSuite.gatewayUrl()).contentType(ContentType.JSON)
                .body(Map.of("email", "not-an-email", "password", "x", "password_confirm", "y"))
                .when().post("/api/users/register/").then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors", hasKey("email")).body("errors", hasKey("first_name"));

        User ada = register("Ada");
        User bob = register("Bob");
        User cy = register("Cy");

        String direct = ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(bob.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
        bob.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(ada.id())))
                .when().post("/api/chat/conversations/").then().statusCode(200).body("data.id", equalTo(direct));
        String group = ada.api().contentType(ContentType.JSON)
                .body(Map.of("participant_ids", List.of(bob.id(), cy.id()), "name", "Team"))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");

        String bobSaw;
        try (WsClient bobSocket = WsClient.connect(LocalSuite.gatewayWsUrl() + "/ws/chat/" + direct, bob.token());
                WsClient adaSocket = WsClient.connect(LocalSuite.gatewayWsUrl() + "/ws/chat/" + direct, ada.token())) {
            bobSocket.nextOfType("connection_established");
            adaSocket.nextOfType("connection_established");

            String sent = ada.api().contentType(ContentType.JSON).body(Map.of("content", "Hello Bob <b>!</b>"))
                    .when().post("/api/chat/conversations/" + direct + "/messages/").then().statusCode(201)
                    .extract().path("data.id");
            JsonNode received = bobSocket.nextOfType("message").get("message");
            assertThat(received.get("id").asText()).isEqualTo(sent);
            assertThat(received.get("content").asText()).isEqualTo("Hello Bob <b>!</b>");

            bobSocket.send(Map.of("type", "typing", "is_typing", true));
            assertThat(adaSocket.nextOfType("typing").get("user_id").asLong()).isEqualTo(bob.id());

            bobSocket.send(Map.of("type", "message", "content", "Hi Ada", "client_id", "bob-1"));
            bobSaw = adaSocket.nextOfType("message").get("message").get("id").asText();
            bobSocket.send(Map.of("type", "read"));
            assertThat(adaSocket.nextOfType("read").get("user_id").asLong()).isEqualTo(bob.id());
        }

        var history = bob.api().when().get("/api/chat/conversations/" + direct + "/messages/")
                .then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("data.messages.content")).containsExactly("Hello Bob <b>!</b>", "Hi Ada");
        assertThat(history.getString("data.messages[1].id")).isEqualTo(bobSaw);

        ada.api().contentType(ContentType.JSON).body(Map.of("content", "Team meeting at ten"))
                .when().post("/api/chat/conversations/" + group + "/messages/").then().statusCode(201);
        var cyList = cy.api().when().get("/api/chat/conversations/").then().statusCode(200).extract().jsonPath();
        assertThat(cyList.getString("data[0].id")).isEqualTo(group);
        assertThat(cyList.getInt("data[0].unread_count")).isEqualTo(1);
        assertThat(cyList.getString("data[0].last_message.content")).isEqualTo("Team meeting at ten");
        cy.api().contentType(ContentType.JSON).body("{}").when().post("/api/chat/conversations/" + group + "/read/")
                .then().statusCode(200);
        cy.api().when().get("/api/chat/conversations/").then().statusCode(200).body("data[0].unread_count", equalTo(0));

        ada.api().contentType(ContentType.JSON).body("{}").when().post("/api/users/logout/").then().statusCode(200);
        ada.api().when().get("/api/users/profile/").then().statusCode(401);
        assertThat(WsClient.handshakeStatus(LocalSuite.gatewayWsUrl() + "/ws/chat/" + direct,
                b -> b.header("Authorization", "Bearer " + ada.token()))).isEqualTo(401);
        bob.api().when().get("/api/users/profile/").then().statusCode(200).body("data.id", equalTo((int) bob.id()));
    }

    @Test
    void accountsAndMessagesSurviveARestartOfTheWholeSuite() throws Exception {
        User dee = register("Dee");
        User eve = register("Eve");
        String conversation = dee.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(eve.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
        dee.api().contentType(ContentType.JSON).body(Map.of("content", "still here after a restart?"))
                .when().post("/api/chat/conversations/" + conversation + "/messages/").then().statusCode(201);
        List<Long> pids = List.of(pid("user-service"), pid("chat-service-1"), pid("chat-service-2"), pid("gateway"));

        LocalSuite.stop();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("service process %d after the launcher stopped", pid).isFalse();
        }
        assertThat(LocalSuite.pidFile("gateway")).doesNotExist();
        LocalSuite.start();

        // Same signing key (tokens issued before the restart still verify), same accounts, same messages.
        eve.api().when().get("/api/chat/conversations/" + conversation + "/messages/").then().statusCode(200)
                .body("data.messages[0].content", equalTo("still here after a restart?"));
        login(dee.email()).api().when().get("/api/users/profile/").then().statusCode(200);
    }

    @Test
    void aSettingTheUserExportedWinsOverTheLaunchersDefault() {
        // LocalSuite exports CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS (and QUARKUS_HTTP_CORS_ORIGINS) with a dev
        // server's origin, which the launcher's default (the gateway's own origins) refuses with 403.
        User ada = register("Ada");
        User bob = register("Bob");
        String conversation = ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(bob.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
        String url = LocalSuite.gatewayWsUrl() + "/ws/chat/" + conversation;
        try (WsClient fromDevServer = WsClient.connect(url, b -> b.header("Cookie", "chat_access_token=" + ada.token())
                .header("Origin", LocalSuite.DEV_SERVER_ORIGIN))) {
            fromDevServer.nextOfType("connection_established");
        }
        assertThat(WsClient.handshakeStatus(url, b -> b.header("Cookie", "chat_access_token=" + ada.token())
                .header("Origin", "http://localhost:5174"))).isEqualTo(403);
    }

    /**
     * Quarkus's tracker of in-flight requests never sees a WebSocket upgrade end, not even one whose
     * socket was closed long ago: a service that waited for it sat out its whole shutdown timeout.
     */
    @Test
    void stoppingTheSuiteClosesSocketsWith1001AndNoServiceSitsOutAShutdownTimeout() throws Exception {
        User ada = register("Ada");
        User bob = register("Bob");
        String conversation = ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(bob.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
        String path = "/ws/chat/" + conversation;
        try (WsClient closedEarly = WsClient.connect(LocalSuite.chatReplicaWsUrl(1) + path, ada.token())) {
            closedEarly.nextOfType("connection_established");
        }
        List<String> services = List.of("gateway", "chat-service-1", "chat-service-2", "user-service");
        Map<String, Long> logSizes = new HashMap<>();
        for (String service : services) {
            logSizes.put(service, Files.size(LocalSuite.log(service)));
        }
        List<WsClient> onReplicas = List.of(WsClient.connect(LocalSuite.chatReplicaWsUrl(1) + path, ada.token()),
                WsClient.connect(LocalSuite.chatReplicaWsUrl(2) + path, bob.token()));
        List<WsClient> throughGateway = List.of(WsClient.connect(LocalSuite.gatewayWsUrl() + path, ada.token()),
                WsClient.connect(LocalSuite.gatewayWsUrl() + path, bob.token()));
        try {
            for (WsClient socket : onReplicas) {
                socket.nextOfType("connection_established");
            }
            for (WsClient socket : throughGateway) {
                socket.nextOfType("connection_established");
            }

            LocalSuite.stop();
            for (WsClient socket : onReplicas) {
                assertThat(socket.awaitCloseCode()).isEqualTo(1001);
            }
            for (WsClient socket : throughGateway) {
                socket.awaitCloseCode();
            }
            for (String service : services) {
                byte[] log = Files.readAllBytes(LocalSuite.log(service));
                String sinceStop = new String(log, Math.toIntExact(logSizes.get(service)),
                        log.length - Math.toIntExact(logSizes.get(service)), StandardCharsets.UTF_8);
                assertThat(sinceStop).as("%s's log since the stop", service)
                        .contains("stopped in").doesNotContain("Timed out waiting for graceful shutdown")
                        // A graceful stop is not a fault: nothing in it deserves a warning.
                        .doesNotContain(" WARN ").doesNotContain(" ERROR ");
            }
        } finally {
            onReplicas.forEach(WsClient::close);
            throughGateway.forEach(WsClient::close);
            LocalSuite.start();
        }
    }

    @Test
    void aKilledChatReplicaIsRestartedAndItsUsersGoOffline() throws Exception {
        User ada = register("Ada");
        User bob = register("Bob");
        String conversation = ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(bob.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
        long replica2 = pid("chat-service-2");
        try (WsClient adaOnReplica1 = WsClient.connect(LocalSuite.chatReplicaWsUrl(1) + "/ws/chat/" + conversation, ada.token());
                WsClient bobOnReplica2 = WsClient.connect(LocalSuite.chatReplicaWsUrl(2) + "/ws/chat/" + conversation, bob.token())) {
            adaOnReplica1.nextOfType("connection_established");
            bobOnReplica2.nextOfType("connection_established");
            JsonNode online = adaOnReplica1.nextOfType("presence");
            assertThat(online.get("user_id").asLong()).isEqualTo(bob.id());
            assertThat(online.get("online").asBoolean()).isTrue();

            // A crash, not a shutdown: no close frames, no presence leave. Bob's lease (3 s here) runs out.
            ProcessHandle.of(replica2).orElseThrow().destroyForcibly();
            // A repeated "online" may come first (a lease renewed late on a loaded machine is taken
            // again, and announced again); what must come is Bob going offline.
            JsonNode offline = adaOnReplica1.nextOfType("presence");
            while (offline.get("online").asBoolean() && offline.get("user_id").asLong() == bob.id()) {
                offline = adaOnReplica1.nextOfType("presence");
            }
            assertThat(offline.get("user_id").asLong()).isEqualTo(bob.id());
            assertThat(offline.get("online").asBoolean()).isFalse();
        }
        // The launcher starts the replica again; the gateway uses both once it is back.
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            try {
                return pid("chat-service-2") != replica2 && WsClient.handshakeStatus(LocalSuite.chatReplicaWsUrl(2)
                        + "/ws/chat/" + conversation, b -> b.header("Authorization", "Bearer " + bob.token())) == -1; // -1: it opened
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(LocalSuite.output()).anyMatch(line -> line.contains("chat-service-2 exited unexpectedly"));
    }

    private static long pid(String service) throws Exception {
        return Long.parseLong(Files.readString(LocalSuite.pidFile(service)).trim());
    }

    private static User register(String firstName) {
        String email = firstName.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        given().baseUri(LocalSuite.gatewayUrl()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "first_name", firstName, "last_name", "Tester", "password", PASSWORD,
                        "password_confirm", PASSWORD))
                .when().post("/api/users/register/").then().statusCode(201).cookie("chat_access_token");
        return login(email);
    }

    private static User login(String email) {
        var login = given().baseUri(LocalSuite.gatewayUrl()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD))
                .when().post("/api/users/login/").then().statusCode(200).extract().jsonPath();
        return new User(login.getLong("data.id"), email, login.getString("data.tokens.access_token"));
    }
}
