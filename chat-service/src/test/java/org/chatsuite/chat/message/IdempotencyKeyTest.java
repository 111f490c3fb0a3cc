package org.chatsuite.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.chatsuite.chat.Users;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class IdempotencyKeyTest {

    @Inject
    RedisDataSource redis;

    private static JsonPath send(Users.User user, String conversation, String content, String clientId, int status) {
        return user.api().contentType(ContentType.JSON).body(Map.of("content", content, "client_id", clientId))
                .when().post("/api/chat/conversations/" + conversation + "/messages/")
                .then().statusCode(status).extract().jsonPath();
    }

    private String storedUnder(String conversation, Users.User sender, String clientId) {
        return redis.value(String.class).get(ChatKeys.idempotency(UUID.fromString(conversation), sender.id(), clientId));
    }

    @Test
    void theKeyHoldsOnlyTheIdAndARepeatAnswersTheStoredMessage() {
        Users.User ada = Users.create("Ada");
        String conversation = Users.conversation(ada, Users.create("Bob"));
        JsonPath first = send(ada, conversation, "the original", "k-1", 201);

        assertThat(storedUnder(conversation, ada, "k-1")).isEqualTo(first.getString("data.id"));
        JsonPath repeat = send(ada, conversation, "a different text", "k-1", 200);
        assertThat(repeat.getString("message")).isEqualTo("Message already sent");
        assertThat(repeat.getMap("data")).isEqualTo(first.getMap("data"));
        assertThat(repeat.getString("data.content")).isEqualTo("the original");
    }

    @Test
    void aRepeatOfATrimmedMessageStillAnswersItsIdAndTime() {
        Users.User ada = Users.create("Ada");
        String conversation = Users.conversation(ada, Users.create("Bob"));
        JsonPath first = send(ada, conversation, "soon gone", "k-2", 201);
        redis.stream(String.class).xdel(ChatKeys.history(UUID.fromString(conversation)), first.getString("data.id"));

        assertThat(send(ada, conversation, "soon gone", "k-2", 200).getMap("data")).isEqualTo(first.getMap("data"));
        ada.api().when().get("/api/chat/conversations/" + conversation + "/messages/").then().statusCode(200)
                .body("data.total", equalTo(0));
    }

    @Test
    void aKeyHoldingAWholeMessageFromBeforeTheUpgradeIsStillAnswered() {
        Users.User ada = Users.create("Ada");
        String conversation = Users.conversation(ada, Users.create("Bob"));
        String legacy = "{\"id\":\"1767268800123-0\",\"conversation_id\":\"" + conversation + "\",\"sender_id\":" + ada.id()
                + ",\"sender_name\":\"Ada Tester\",\"sender_email\":\"" + ada.email()
                + "\",\"content\":\"from before\",\"client_id\":\"k-3\",\"timestamp_ms\":1767268800123}";
        redis.value(String.class).setex(ChatKeys.idempotency(UUID.fromString(conversation), ada.id(), "k-3"), 60, legacy);

        JsonPath repeat = send(ada, conversation, "from before", "k-3", 200);
        assertThat(repeat.getString("data.id")).isEqualTo("1767268800123-0");
        assertThat(repeat.getString("data.content")).isEqualTo("from before");
    }
}
