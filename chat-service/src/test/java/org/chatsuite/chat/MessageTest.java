package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class MessageTest {

    private static String send(Users.User user, String conversation, String content) {
        return user.api().contentType(ContentType.JSON).body(Map.of("content", content))
                .when().post("/api/chat/conversations/" + conversation + "/messages/")
                .then().statusCode(201).extract().path("data.id");
    }

    private static JsonPath history(Users.User user, String conversation, Map<String, ?> params) {
        return user.api().queryParams(params).when().get("/api/chat/conversations/" + conversation + "/messages/")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void sentMessageHasTheContractShape() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String conversation = Users.conversation(ada, bob);
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "  Hello <b>Bob</b> & 'friends' 👋  ", "client_id", "c-1"))
                .when().post("/api/chat/conversations/" + conversation + "/messages")
                .then().statusCode(201)
                .body("data.id", matchesPattern("\\d+-\\d+"))
                .body("data.conversation_id", equalTo(conversation))
                .body("data.sender_id", equalTo((int) ada.id()))
                .body("data.sender_name", equalTo("Ada Tester"))
                .body("data.sender_email", equalTo(ada.email()))
                .body("data.content", equalTo("Hello <b>Bob</b> & 'friends' 👋"))
                .body("data.client_id", equalTo("c-1"))
                .body("data.created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        String raw = ada.api().when().get("/api/chat/conversations/" + conversation + "/messages/").then().extract().asString();
        assertThat(raw).containsPattern("\"timestamp\":\\d{10}\\.\\d{3}[,}]");
        assertThat(raw).contains("\"client_id\":\"c-1\"");
    }

    /** History writes its page straight from the stream; each message must read exactly as when it was sent. */
    @Test
    void historyMessagesAreTheSentMessagesFieldForField() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String conversation = Users.conversation(ada, bob);
        String path = "/api/chat/conversations/" + conversation + "/messages/";
        ObjectMapper json = new ObjectMapper();
        List<String> sent = new ArrayList<>();
        for (Map<String, String> body : List.of(Map.of("content", "with a client id \"quoted\" \u2028 👋", "client_id", "k-1"),
                Map.of("content", "without one"))) {
            String raw = ada.api().contentType(ContentType.JSON).body(body).when().post(path)
                    .then().statusCode(201).extract().asString();
            sent.add(json.readTree(raw).get("data").toString());
        }
        JsonNode page = json.readTree(bob.api().when().get(path).then().statusCode(200).extract().asString());
        List<String> read = new ArrayList<>();
        page.get("data").get("messages").forEach(m -> read.add(m.toString()));
        // toString keeps the field order, so this compares names, order, values and types.
        assertThat(read).containsExactlyElementsOf(sent);
    }

    /**
     * A new message's JSON is written by the append script and passed on as it is (the sender's answer,
     * every socket's frame); history writes it from the stream with Jackson. Both must be the same
     * bytes, escapes included: quotes, backslashes, slashes, tabs, line breaks, non-ASCII. (Characters
     * beyond the BMP are the one exception: the history page's UTF-8 writer escapes them as surrogate
     * pairs, the script writes their UTF-8 bytes, as the frames always had them; the test above compares
     * them parsed.)
     */
    @Test
    void sentJsonIsByteForByteTheHistoryJson() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String conversation = Users.conversation(ada, bob);
        String path = "/api/chat/conversations/" + conversation + "/messages/";
        List<String> sent = new ArrayList<>();
        for (Map<String, String> body : List.of(
                Map.of("content", "a/b \\ \"q\" <b>&amp;</b>\ttab\nline\r\nCRLF \u00e9\u4e2d \u2028\u2029", "client_id", "k/\"1\\"),
                Map.of("content", "plain"))) {
            String raw = ada.api().contentType(ContentType.JSON).body(body).when().post(path)
                    .then().statusCode(201).extract().asString();
            assertThat(raw).startsWith("{\"status\":\"success\",\"message\":\"Message sent\",\"data\":{").endsWith("}}");
            sent.add(raw.substring(raw.indexOf("\"data\":") + "\"data\":".length(), raw.length() - 1));
        }
        String page = bob.api().when().get(path).then().statusCode(200).extract().asString();
        String messages = page.substring(page.indexOf("\"messages\":[") + "\"messages\":[".length(), page.indexOf("],\"count\":"));
        assertThat(messages).isEqualTo(String.join(",", sent));
    }

    @Test
    void contentValidation() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String path = "/api/chat/conversations/" + c + "/messages/";
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "   ")).when().post(path)
                .then().statusCode(400).body("errors.content", hasItem("Message content must not be empty."));
        ada.api().contentType(ContentType.JSON).body(Map.of()).when().post(path).then().statusCode(400);
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "x".repeat(5001))).when().post(path)
                .then().statusCode(400).body("errors.content", hasItem("Message content must be at most 5000 characters."));
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "x".repeat(5000))).when().post(path)
                .then().statusCode(201);
        ada.api().contentType(ContentType.JSON).body(Map.of("content", 42)).when().post(path).then().statusCode(400)
                .body("errors.content", hasItem("Message content must be a string."));
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "hi", "client_id", 7)).when().post(path)
                .then().statusCode(400).body("errors.client_id", hasItem("client_id must be a string."));
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "hi", "client_id", "k".repeat(65))).when().post(path)
                .then().statusCode(400).body("errors.client_id", hasItem("client_id must be 1 to 64 characters."));
        Users.User outsider = Users.create("Olga");
        outsider.api().contentType(ContentType.JSON).body(Map.of("content", "hi")).when().post(path).then().statusCode(403);
    }

    @Test
    void repeatedClientIdDoesNotCreateASecondMessage() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String path = "/api/chat/conversations/" + c + "/messages/";
        String first = ada.api().contentType(ContentType.JSON).body(Map.of("content", "once", "client_id", "abc"))
                .when().post(path).then().statusCode(201).extract().path("data.id");
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "once", "client_id", "abc"))
                .when().post(path).then().statusCode(200).body("data.id", equalTo(first));
        // The same client_id from another sender is another message.
        bob.api().contentType(ContentType.JSON).body(Map.of("content", "mine", "client_id", "abc"))
                .when().post(path).then().statusCode(201);
        assertThat(history(ada, c, Map.of()).getInt("data.total")).isEqualTo(2);
        assertThat(history(bob, c, Map.of()).getInt("data.total")).isEqualTo(2);
    }

    @Test
    void historyPagesByOffsetAndCursors() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(send(i % 2 == 0 ? ada : bob, c, "m" + i));
        }
        JsonPath all = history(ada, c, Map.of());
        assertThat(all.getList("data.messages.id", String.class)).isEqualTo(ids);
        assertThat(all.getInt("data.count")).isEqualTo(7);
        assertThat(all.getInt("data.total")).isEqualTo(7);
        assertThat(all.getBoolean("data.has_more")).isFalse();
        assertThat(all.getString("data.conversation_id")).isEqualTo(c);

        JsonPath newest = history(ada, c, Map.of("limit", 3));
        assertThat(newest.getList("data.messages.id", String.class)).isEqualTo(ids.subList(4, 7));
        assertThat(newest.getBoolean("data.has_more")).isTrue();
        JsonPath skipped = history(ada, c, Map.of("limit", 3, "offset", 3));
        assertThat(skipped.getList("data.messages.id", String.class)).isEqualTo(ids.subList(1, 4));
        assertThat(skipped.getBoolean("data.has_more")).isTrue();
        JsonPath last = history(ada, c, Map.of("limit", 3, "offset", 6));
        assertThat(last.getList("data.messages.id", String.class)).isEqualTo(ids.subList(0, 1));
        assertThat(last.getBoolean("data.has_more")).isFalse();

        JsonPath before = history(ada, c, Map.of("before", ids.get(4), "limit", 2));
        assertThat(before.getList("data.messages.id", String.class)).isEqualTo(ids.subList(2, 4));
        assertThat(before.getBoolean("data.has_more")).isTrue();
        JsonPath beforeAll = history(ada, c, Map.of("before", ids.get(2), "limit", 5));
        assertThat(beforeAll.getList("data.messages.id", String.class)).isEqualTo(ids.subList(0, 2));
        assertThat(beforeAll.getBoolean("data.has_more")).isFalse();

        JsonPath after = history(ada, c, Map.of("after", ids.get(1), "limit", 3));
        assertThat(after.getList("data.messages.id", String.class)).isEqualTo(ids.subList(2, 5));
        assertThat(after.getBoolean("data.has_more")).isTrue();
        JsonPath afterEnd = history(ada, c, Map.of("after", ids.get(5)));
        assertThat(afterEnd.getList("data.messages.id", String.class)).isEqualTo(ids.subList(6, 7));
        assertThat(afterEnd.getBoolean("data.has_more")).isFalse();
        // A well-formed cursor that is not (or no longer) in the history still works as a position.
        JsonPath fromZero = history(ada, c, Map.of("after", "0-1", "limit", 2));
        assertThat(fromZero.getList("data.messages.id", String.class)).isEqualTo(ids.subList(0, 2));

        // Extreme but well-formed positions are simply empty.
        assertThat(history(ada, c, Map.of("before", "0-0")).getInt("data.count")).isZero();
        assertThat(history(ada, c, Map.of("after", "9999999999999999999-9999999999999999999")).getInt("data.count")).isZero();
        assertThat(history(ada, c, Map.of("offset", 1000)).getInt("data.count")).isZero();
    }

    @Test
    void historyLimitAndOffsetAreClampedAsTheOldApiDid() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(send(ada, c, "m" + i));
        }
        List<String> newest50 = ids.subList(70, 120);
        List<String> newest100 = ids.subList(20, 120);
        for (String missingOrNotPositive : List.of("", " ", "0", "-3", "-99999999999999999999")) {
            assertThat(history(ada, c, Map.of("limit", missingOrNotPositive)).getList("data.messages.id", String.class))
                    .as("limit=%s", missingOrNotPositive).isEqualTo(newest50);
        }
        for (String tooLarge : List.of("100", "101", "2147483648", "99999999999999999999")) {
            assertThat(history(ada, c, Map.of("limit", tooLarge)).getList("data.messages.id", String.class))
                    .as("limit=%s", tooLarge).isEqualTo(newest100);
        }
        for (String fromTheNewest : List.of("", "0", "-1", "-99999999999999999999")) {
            assertThat(history(ada, c, Map.of("offset", fromTheNewest, "limit", 10)).getList("data.messages.id", String.class))
                    .as("offset=%s", fromTheNewest).isEqualTo(ids.subList(110, 120));
        }
        JsonPath oldest = history(ada, c, Map.of("offset", 100, "limit", 100));
        assertThat(oldest.getList("data.messages.id", String.class)).isEqualTo(ids.subList(0, 20));
        assertThat(oldest.getBoolean("data.has_more")).isFalse();
    }

    @Test
    void offsetsBeyondTheCapPointToTheBeforeCursor() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        send(ada, c, "hi");
        String path = "/api/chat/conversations/" + c + "/messages/";
        assertThat(history(ada, c, Map.of("offset", 1000)).getInt("data.count")).isZero();
        for (String beyond : List.of("1001", "1000000", "2147483647", "99999999999999999999")) {
            ada.api().queryParam("offset", beyond).when().get(path).then().statusCode(400)
                    .body("code", equalTo("bad_parameter"))
                    .body("message", containsString("at most 1000"))
                    .body("message", containsString("before"));
        }
    }

    @Test
    void badHistoryParametersAre400() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String path = "/api/chat/conversations/" + c + "/messages/";
        for (Map<String, String> bad : List.of(Map.of("limit", "ten"), Map.of("limit", "1.5"), Map.of("limit", "1e3"),
                Map.of("limit", "0x10"), Map.of("limit", "--1"), Map.of("offset", "x"), Map.of("offset", "abc"),
                Map.of("offset", "1.5"), Map.of("offset", "+-1"), Map.of("before", "yesterday"), Map.of("after", "12-x"),
                Map.of("before", "1-0", "after", "2-0"))) {
            ada.api().queryParams(bad).when().get(path).then().statusCode(400).body("code", equalTo("bad_parameter"));
        }
        ada.api().when().get("/api/chat/conversations/nope/messages/").then().statusCode(400);
        ada.api().when().get("/api/chat/conversations/00000000-0000-0000-0000-000000000001/messages/").then().statusCode(404);
    }

    @Test
    void unreadCountsFollowMessagesAndReads() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User cy = Users.create("Cy");
        String c = Users.conversation(ada, bob, cy);
        send(ada, c, "1");
        send(ada, c, "2");
        String third = send(bob, c, "3");
        assertThat(unread(ada, c)).isEqualTo(1);
        assertThat(unread(bob, c)).isEqualTo(2);
        assertThat(unread(cy, c)).isEqualTo(3);

        cy.api().contentType(ContentType.JSON).body(Map.of("last_read_id", third))
                .when().post("/api/chat/conversations/" + c + "/read/")
                .then().statusCode(200)
                .body("data.type", equalTo("read"))
                .body("data.user_id", equalTo((int) cy.id()))
                .body("data.last_read_id", equalTo(third));
        assertThat(unread(cy, c)).isEqualTo(0);
        send(ada, c, "4");
        assertThat(unread(cy, c)).isEqualTo(1);
        // Reading the history resets it too.
        history(bob, c, Map.of());
        assertThat(unread(bob, c)).isEqualTo(0);
        // read without a body marks everything read
        ada.api().when().post("/api/chat/conversations/" + c + "/read/").then().statusCode(200)
                .body("data.last_read_id", matchesPattern("\\d+-\\d+"));
        ada.api().contentType(ContentType.JSON).body(Map.of("last_read_id", "not-an-id"))
                .when().post("/api/chat/conversations/" + c + "/read/").then().statusCode(400);
        assertThat(unread(ada, c)).isEqualTo(0);
    }

    @Test
    void readWithoutMessagesHasNoMarker() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        ada.api().when().post("/api/chat/conversations/" + c + "/read/").then().statusCode(200)
                .body("data.last_read_id", nullValue());
    }

    private static int unread(Users.User user, String conversation) {
        return user.api().when().get("/api/chat/conversations/" + conversation + "/").then().statusCode(200)
                .extract().path("data.unread_count");
    }
}
