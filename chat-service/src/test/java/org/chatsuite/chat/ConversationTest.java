package org.chatsuite.chat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ConversationTest {

    private static io.restassured.response.ValidatableResponse create(Users.User caller, Object body) {
        return caller.api().contentType(ContentType.JSON).body(body).when().post("/api/chat/conversations/").then();
    }

    @Test
    void oneOnOneIsCreatedOnceAndFoundAfterwards() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String id = create(ada, Map.of("participant_ids", List.of(bob.id())))
                .statusCode(201)
                .body("status", equalTo("success"))
                .body("data.is_group", equalTo(false))
                .body("data.name", nullValue())
                .body("data.display_name", equalTo("Chat with Bob Tester"))
                .body("data.participants.id", containsInAnyOrder((int) ada.id(), (int) bob.id()))
                .body("data.participants.full_name", hasItem("Ada Tester"))
                .body("data.message_count", equalTo(0))
                .body("data.unread_count", equalTo(0))
                .body("data.last_message", nullValue())
                .extract().path("data.id");
        // From the other side, listing the caller too: the same conversation.
        create(bob, Map.of("participant_ids", List.of(ada.id(), bob.id())))
                .statusCode(200)
                .body("message", equalTo("Conversation already exists"))
                .body("data.id", equalTo(id))
                .body("data.display_name", equalTo("Chat with Ada Tester"));
    }

    @Test
    void concurrentCreationOfOnePairYieldsOneConversation() throws Exception {
        Users.User a = Users.create("Cara");
        Users.User b = Users.create("Dan");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Users.User caller = i % 2 == 0 ? a : b;
                Users.User other = i % 2 == 0 ? b : a;
                ids.add(pool.submit(() -> {
                    start.await();
                    return create(caller, Map.of("participant_ids", List.of(other.id()))).extract().path("data.id");
                }));
            }
            start.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> id : ids) {
                results.add(id.get());
            }
            assertThat(results).doesNotContainNull();
            assertThat(results.stream().distinct()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void groupsAndDisplayNames() {
        Users.User a = Users.create("Anna");
        Users.User b = Users.create("Ben");
        Users.User c = Users.create("Cleo");
        Users.User d = Users.create("Dora");
        Users.User e = Users.create("Eli");
        create(a, Map.of("participant_ids", List.of(b.id(), c.id()), "name", "  Team <b>&'  "))
                .statusCode(201)
                .body("data.is_group", equalTo(true))
                .body("data.name", equalTo("Team <b>&'"))
                .body("data.display_name", equalTo("Team <b>&'"));
        create(a, Map.of("participant_ids", List.of(b.id(), c.id(), d.id(), e.id())))
                .statusCode(201)
                .body("data.display_name", equalTo("Ben, Cleo, Dora and 1 more"));
        // A second group with the same members is a new conversation.
        create(a, Map.of("participant_ids", List.of(b.id(), c.id()))).statusCode(201)
                .body("data.display_name", equalTo("Ben, Cleo"));
    }

    @Test
    void participantValidation() {
        Users.User a = Users.create("Vera");
        Users.User b = Users.create("Walt");
        create(a, Map.of()).statusCode(400).body("errors.participant_ids", hasItem("This field is required."));
        create(a, Map.of("participant_ids", "1,2")).statusCode(400)
                .body("errors.participant_ids", hasItem("Must be a list of user ids."));
        create(a, Map.of("participant_ids", List.of("x"))).statusCode(400)
                .body("errors.participant_ids", hasItem("Must contain only positive integer user ids."));
        create(a, Map.of("participant_ids", List.of(-3))).statusCode(400);
        create(a, Map.of("participant_ids", List.of())).statusCode(400)
                .body("errors.participant_ids", hasItem("A conversation needs at least 2 distinct participants."));
        create(a, Map.of("participant_ids", List.of(a.id()))).statusCode(400);
        create(a, Map.of("participant_ids", List.of(b.id(), b.id()))).statusCode(400)
                .body("errors.participant_ids", hasItem("Duplicate user ids: " + b.id() + "."));
        create(a, Map.of("participant_ids", List.of(b.id(), 999999991L, 999999992L))).statusCode(400)
                .body("errors.participant_ids", hasItem("Unknown user ids: 999999991, 999999992."));
        List<Long> tooMany = new ArrayList<>();
        for (long i = 1; i <= 256; i++) {
            tooMany.add(1_000_000 + i);
        }
        create(a, Map.of("participant_ids", tooMany)).statusCode(400)
                .body("errors.participant_ids", hasItem("A conversation has at most 256 participants."));
        create(a, Map.of("participant_ids", List.of(b.id()), "name", "bad\u0000name")).statusCode(400)
                .body("errors.name", hasItem("Must not contain control characters."));
        create(a, Map.of("participant_ids", List.of(b.id()), "name", "n".repeat(256))).statusCode(400)
                .body("errors.name", hasItem("Must be at most 255 characters."));
        given().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(b.id())))
                .when().post("/api/chat/conversations/").then().statusCode(401);
    }

    @Test
    void wronglyTypedFieldsAreValidationErrors() {
        Users.User a = Users.create("Tara");
        Users.User b = Users.create("Umar");
        String ids = "errors.participant_ids";
        for (String body : List.of("{\"participant_ids\": \"1,2\"}", "{\"participant_ids\": [1, \"x\", 2.5, null]}",
                "{\"participant_ids\": 7}", "{\"participant_ids\": {\"id\": 1}}", "{\"participant_ids\": [[1]]}",
                "{\"participant_ids\": [99999999999999999999]}", "{\"participant_ids\": [1e400]}",
                "{\"participant_ids\": [" + b.id() + ".0]}", "{\"participant_ids\": true}")) {
            create(a, body).statusCode(400).body("code", equalTo("validation_error")).body(ids, hasSize(1))
                    .body("errors.name", nullValue());
        }
        for (String name : List.of("5", "[\"x\"]", "{\"x\": 1}", "true")) {
            create(a, "{\"participant_ids\": [" + b.id() + "], \"name\": " + name + "}").statusCode(400)
                    .body("code", equalTo("validation_error")).body("errors.name", hasItem("Must be a string."))
                    .body(ids, nullValue());
        }
        // Every wrongly typed field is reported at once.
        create(a, "{\"participant_ids\": \"1,2\", \"name\": 5}").statusCode(400)
                .body(ids, hasItem("Must be a list of user ids."))
                .body("errors.name", hasItem("Must be a string."));
        // A JSON body that is not an object lacks the required field; only a body that is not JSON is malformed.
        create(a, "[1, 2]").statusCode(400).body("code", equalTo("validation_error")).body(ids, hasItem("This field is required."));
        create(a, "\"participants\"").statusCode(400).body("code", equalTo("validation_error"));
        create(a, "{\"participant_ids\": [1,").statusCode(400).body("code", equalTo("malformed_json"));
    }

    @Test
    void detailsNeedParticipation() {
        Users.User a = Users.create("Gail");
        Users.User b = Users.create("Hank");
        Users.User outsider = Users.create("Ivy");
        String id = Users.conversation(a, b);
        a.api().when().get("/api/chat/conversations/" + id + "/").then().statusCode(200).body("data.id", equalTo(id));
        b.api().when().get("/api/chat/conversations/" + id).then().statusCode(200);
        outsider.api().when().get("/api/chat/conversations/" + id + "/").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        a.api().when().get("/api/chat/conversations/00000000-0000-0000-0000-000000000000/").then().statusCode(404)
                .body("code", equalTo("not_found"));
        a.api().when().get("/api/chat/conversations/not-a-uuid/").then().statusCode(400)
                .body("code", equalTo("bad_parameter"));
    }

    @Test
    void listIsOrderedByLastActivityWithPaging() {
        Users.User me = Users.create("Maya");
        Users.User x = Users.create("Xavi");
        Users.User y = Users.create("Yara");
        Users.User z = Users.create("Zed");
        String first = Users.conversation(me, x);
        String second = Users.conversation(me, y);
        String third = Users.conversation(me, z);
        me.api().when().get("/api/chat/conversations/").then().statusCode(200)
                .body("data.id", contains(third, second, first))
                .body("meta.total", equalTo(3));
        // A message makes the oldest conversation the most recently active.
        me.api().contentType(ContentType.JSON).body(Map.of("content", "hello"))
                .when().post("/api/chat/conversations/" + first + "/messages/").then().statusCode(201);
        me.api().queryParam("limit", 2).when().get("/api/chat/conversations/").then().statusCode(200)
                .body("data.id", contains(first, third))
                .body("data[0].last_message.content", equalTo("hello"))
                .body("data[0].message_count", equalTo(1))
                .body("meta.limit", equalTo(2));
        me.api().queryParam("limit", 2).queryParam("offset", 2).when().get("/api/chat/conversations/").then()
                .body("data.id", contains(second));
        x.api().when().get("/api/chat/conversations/").then().body("data[0].unread_count", equalTo(1));
        me.api().queryParam("limit", "many").when().get("/api/chat/conversations/").then().statusCode(400);
    }

    @Test
    void listParametersAreClampedAndNeverOverflow() {
        Users.User me = Users.create("Nina");
        Users.User x = Users.create("Omar");
        Users.User y = Users.create("Pia");
        String older = Users.conversation(me, x);
        String newer = Users.conversation(me, y);
        for (String beyondTheEnd : List.of("2", "2147483647", "99999999999999999999")) {
            me.api().queryParam("offset", beyondTheEnd).when().get("/api/chat/conversations/").then().statusCode(200)
                    .body("data", hasSize(0)).body("meta.total", equalTo(2));
        }
        for (String fromTheStart : List.of("", "0", "-1", "-2147483648", "-99999999999999999999")) {
            me.api().queryParam("offset", fromTheStart).queryParam("limit", 1).when().get("/api/chat/conversations/")
                    .then().statusCode(200).body("data.id", contains(newer)).body("meta.offset", equalTo(0));
        }
        me.api().queryParam("offset", 1).queryParam("limit", 2147483647).when().get("/api/chat/conversations/")
                .then().statusCode(200).body("data.id", contains(older)).body("meta.limit", equalTo(100));
        for (String notPositive : List.of("", "0", "-5", "-99999999999999999999")) {
            me.api().queryParam("limit", notPositive).when().get("/api/chat/conversations/").then().statusCode(200)
                    .body("data.id", contains(newer, older)).body("meta.limit", equalTo(50));
        }
        for (String tooLarge : List.of("101", "99999999999999999999")) {
            me.api().queryParam("limit", tooLarge).when().get("/api/chat/conversations/").then().statusCode(200)
                    .body("meta.limit", equalTo(100));
        }
        for (Map<String, String> bad : List.of(Map.of("limit", "1.5"), Map.of("offset", "abc"), Map.of("offset", "1e3"))) {
            me.api().queryParams(bad).when().get("/api/chat/conversations/").then().statusCode(400)
                    .body("code", equalTo("bad_parameter"));
        }
    }

    @Test
    void legacyHealthEndpoint() {
        given().when().get("/api/chat/health/").then().statusCode(200)
                .body("status", equalTo("success")).body("message", equalTo("API is running"));
    }
}
