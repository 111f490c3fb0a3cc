package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.UserServiceResource;
import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** With user-service down, creating conversations answers 503, and everything else keeps working. */
@QuarkusTest
class UserServiceDownTest {

    @Test
    void chatContinuesWhileUserServiceIsDown() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User cy = Users.create("Cy");
        String existing = Users.conversation(ada, bob);
        UserServiceResource.userService().stop();
        try {
            ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(cy.id())))
                    .when().post("/api/chat/conversations/")
                    .then().statusCode(503)
                    .body("status", equalTo("error"))
                    .body("code", equalTo("service_unavailable"));
            ada.api().when().get("/api/chat/conversations/").then().statusCode(200)
                    .body("data[0].display_name", equalTo("Chat with Bob Tester"));
            ada.api().contentType(ContentType.JSON).body(Map.of("content", "still here"))
                    .when().post("/api/chat/conversations/" + existing + "/messages/").then().statusCode(201);
            try (WsClient socket = WsClient.connect(
                    "ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + existing + "?last_id=0-0", bob.token())) {
                assertThat(socket.next().path("type").asText()).isEqualTo("connection_established");
                assertThat(socket.nextOfType("message").path("message").path("content").asText()).isEqualTo("still here");
            }
        } finally {
            UserServiceResource.userService().start();
        }
        // Once user-service is back (and the circuit breaker has let a call through) creation works again.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                ada.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(cy.id())))
                        .when().post("/api/chat/conversations/").then().statusCode(201));
    }

    @Test
    void participantsConfirmedForOneCallerAreConfirmedForAnotherWithoutUserService() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User cy = Users.create("Cy");
        Users.conversation(ada, bob, cy);
        UserServiceResource.userService().stop();
        try {
            // The same three users, asked for with Bob's token: the directory's answer depends on the ids only.
            bob.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(ada.id(), cy.id())))
                    .when().post("/api/chat/conversations/")
                    .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                    .body("data.participants.size()", equalTo(3));
        } finally {
            UserServiceResource.userService().start();
        }
    }
}
