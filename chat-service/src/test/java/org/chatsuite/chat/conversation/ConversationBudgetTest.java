package org.chatsuite.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.Users;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class ConversationBudgetTest {

    @Inject
    ChatConfig config;

    private static ValidatableResponse create(Users.User caller, List<Long> participantIds) {
        return caller.api().contentType(ContentType.JSON).body(Map.of("participant_ids", participantIds))
                .when().post("/api/chat/conversations/").then();
    }

    @Test
    void creationsBeyondTheBudgetAreThrottledButFindingAnExistingOneOnOneIsFree() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User cy = Users.create("Cy");
        int limit = config.conversationCreate().limit();
        assertThat(limit).isPositive();

        create(ada, List.of(bob.id())).statusCode(201);
        for (int i = 1; i < limit; i++) {
            create(ada, List.of(bob.id(), cy.id())).statusCode(201);
        }
        String retryAfter = create(ada, List.of(bob.id(), cy.id())).statusCode(429)
                .body("status", equalTo("error"))
                .body("code", equalTo("throttled"))
                .extract().header("Retry-After");
        long perCreation = config.conversationCreate().period().toSeconds() / limit;
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, perCreation);

        // The pair's conversation exists: finding it is no creation, also from the other side.
        create(ada, List.of(bob.id())).statusCode(200).body("message", equalTo("Conversation already exists"));
        create(bob, List.of(ada.id())).statusCode(200);
        // The budget is per user: the others still create.
        create(bob, List.of(cy.id())).statusCode(201);
        create(cy, List.of(ada.id(), bob.id())).statusCode(201);
    }
}
