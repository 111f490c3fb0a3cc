package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.chatsuite.chat.message.ChatKeys;
import org.chatsuite.chat.message.MessageStore;
import org.chatsuite.chat.realtime.Envelope;
import org.chatsuite.testsupport.TestTokens;
import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

@QuarkusTest
class WebSocketTest {

    @Inject
    RedisDataSource redis;

    @Inject
    MessageStore store;

    private static String url(String conversation) {
        return "ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + conversation;
    }

    private static WsClient open(Users.User user, String conversation) {
        WsClient client = WsClient.connect(url(conversation), user.token());
        JsonNode first = client.next();
        assertThat(first.path("type").asText()).isEqualTo("connection_established");
        assertThat(first.path("conversation_id").asText()).isEqualTo(conversation);
        assertThat(first.path("message").asText()).isEqualTo("Connected to chat");
        return client;
    }

    private static JsonNode nextMessage(WsClient client) {
        return client.nextOfType("message").path("message");
    }

    @Test
    void handshakeRefusals() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User eve = Users.create("Eve");
        String c = Users.conversation(ada, bob);
        assertThat(WsClient.handshakeStatus(url(c), b -> {
        })).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(url(c), b -> b.header("Authorization", "Bearer nonsense"))).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(url(c),
                b -> b.header("Authorization", "Bearer " + TestTokens.expired(ada.id(), ada.email())))).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(url(c), b -> b.header("Authorization", eve.bearer()))).isEqualTo(403);
        assertThat(WsClient.handshakeStatus(url(UUID.randomUUID().toString()), b -> b.header("Authorization", ada.bearer())))
                .isEqualTo(404);
        assertThat(WsClient.handshakeStatus(url("not-a-uuid"), b -> b.header("Authorization", ada.bearer()))).isEqualTo(404);
    }

    @Test
    void everyTokenCarrierIsAccepted() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        // query parameter
        try (WsClient q = WsClient.connect(url(c) + "?access_token=" + ada.token(), b -> {
        })) {
            assertThat(q.next().path("type").asText()).isEqualTo("connection_established");
        }
        // cookie from an allowed origin; refused from any other origin
        try (WsClient cookie = WsClient.connect(url(c), b -> b.header("Cookie", "chat_access_token=" + ada.token())
                .header("Origin", "http://localhost:8080"))) {
            assertThat(cookie.next().path("type").asText()).isEqualTo("connection_established");
        }
        assertThat(WsClient.handshakeStatus(url(c), b -> b.header("Cookie", "chat_access_token=" + ada.token())
                .header("Origin", "https://evil.example"))).isEqualTo(403);
        assertThat(WsClient.handshakeStatus(url(c), b -> b.header("Cookie", "chat_access_token=" + ada.token())))
                .isEqualTo(403);
        // Sec-WebSocket-Protocol carrier, as WebSockets Next documents it
        try (WsClient protocol = WsClient.connect(url(c), b -> b.subprotocols("bearer-token-carrier",
                "quarkus-http-upgrade#Authorization#Bearer%20" + ada.token()))) {
            assertThat(protocol.next().path("type").asText()).isEqualTo("connection_established");
        }
        // trailing slash
        try (WsClient slash = WsClient.connect(url(c) + "/", ada.token())) {
            assertThat(slash.next().path("type").asText()).isEqualTo("connection_established");
        }
    }

    @Test
    void messagesReachEveryParticipantSocketInOneOrder() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a1 = open(ada, c); WsClient a2 = open(ada, c); WsClient b1 = open(bob, c)) {
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? a1 : b1).send(Map.of("type", "message", "content", "msg " + i, "client_id", "k" + i));
            }
            ada.api().contentType(ContentType.JSON).body(Map.of("content", "via REST"))
                    .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
            List<List<String>> seen = new ArrayList<>();
            for (WsClient client : List.of(a1, a2, b1)) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 11; i++) {
                    ids.add(nextMessage(client).path("id").asText());
                }
                seen.add(ids);
            }
            assertThat(seen.get(1)).isEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
            List<String> history = ada.api().queryParam("limit", 100)
                    .when().get("/api/chat/conversations/" + c + "/messages/")
                    .then().extract().jsonPath().getList("data.messages.id", String.class);
            assertThat(history).isEqualTo(seen.get(0));
        }
    }

    @Test
    void messageFrameHasTheFullMessageObject() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada, c)) {
            a.send(Map.of("type", "message", "content", "  hi <i>there</i>  ", "client_id", "x1"));
            JsonNode m = nextMessage(a);
            assertThat(m.path("conversation_id").asText()).isEqualTo(c);
            assertThat(m.path("sender_id").asLong()).isEqualTo(ada.id());
            assertThat(m.path("sender_name").asText()).isEqualTo("Ada Tester");
            assertThat(m.path("sender_email").asText()).isEqualTo(ada.email());
            assertThat(m.path("content").asText()).isEqualTo("hi <i>there</i>");
            assertThat(m.path("client_id").asText()).isEqualTo("x1");
            assertThat(m.path("timestamp").isNumber()).isTrue();
            assertThat(m.path("created_at").asText()).matches("\\d{4}-.*Z");
            // The same client_id again: the original comes back, nothing new is stored.
            a.send(Map.of("type", "message", "content", "hi again", "client_id", "x1"));
            JsonNode again = nextMessage(a);
            assertThat(again.path("id").asText()).isEqualTo(m.path("id").asText());
            assertThat(again.path("content").asText()).isEqualTo("hi <i>there</i>");
        }
        assertThat(ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().extract()
                .<Integer>path("data.total")).isEqualTo(1);
    }

    /**
     * During an upgrade, a replica of the previous version still publishes a message as {@code M} and
     * its script's own JSON; it reaches this version's sockets as the same message object.
     */
    @Test
    void aMessagePublishedByThePreviousVersionReachesTheSockets() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient b = open(bob, c)) {
            String legacy = "{\"content\":\"from an old replica \\/\",\"timestamp_ms\":1767268800123,\"id\":\"1767268800123-0\","
                    + "\"sender_email\":\"" + ada.email() + "\",\"client_id\":null,\"sender_name\":\"Ada Tester\","
                    + "\"conversation_id\":\"" + c + "\",\"sender_id\":" + ada.id() + "}";
            redis.pubsub(String.class).publish(Envelope.channel(UUID.fromString(c)), "M" + legacy);
            JsonNode m = nextMessage(b);
            List<String> names = new ArrayList<>();
            m.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("id", "conversation_id", "sender_id", "sender_name", "sender_email", "content",
                    "timestamp", "created_at", "client_id");
            assertThat(m.path("id").asText()).isEqualTo("1767268800123-0");
            assertThat(m.path("conversation_id").asText()).isEqualTo(c);
            assertThat(m.path("sender_id").asLong()).isEqualTo(ada.id());
            assertThat(m.path("sender_name").asText()).isEqualTo("Ada Tester");
            assertThat(m.path("sender_email").asText()).isEqualTo(ada.email());
            assertThat(m.path("content").asText()).isEqualTo("from an old replica /");
            assertThat(m.path("timestamp").decimalValue()).isEqualByComparingTo("1767268800.123");
            assertThat(m.path("created_at").asText()).isEqualTo("2026-01-01T12:00:00.123Z");
            assertThat(m.path("client_id").isNull()).isTrue();
        }
    }

    @Test
    void typingGoesToOthersOnlyAndReadAndPresenceAreAnnounced() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada, c)) {
            try (WsClient b = open(bob, c)) {
                JsonNode presence = a.nextOfType("presence");
                assertThat(presence.path("user_id").asLong()).isEqualTo(bob.id());
                assertThat(presence.path("online").asBoolean()).isTrue();
                // Bob learns that Ada is already online.
                JsonNode adaOnline = b.nextOfType("presence");
                assertThat(adaOnline.path("user_id").asLong()).isEqualTo(ada.id());

                a.send(Map.of("type", "typing", "is_typing", true));
                JsonNode typing = b.nextOfType("typing");
                assertThat(typing.path("user_id").asLong()).isEqualTo(ada.id());
                assertThat(typing.path("user_name").asText()).isEqualTo("Ada Tester");
                assertThat(typing.path("is_typing").asBoolean()).isTrue();

                a.send(Map.of("type", "message", "content", "read me"));
                // Ada's next frame is her own message: her typing event never came back to her.
                JsonNode own = a.next();
                assertThat(own.path("type").asText()).isEqualTo("message");
                String id = own.path("message").path("id").asText();
                assertThat(nextMessage(b).path("id").asText()).isEqualTo(id);
                b.send(Map.of("type", "read", "last_read_id", id));
                JsonNode read = a.nextOfType("read");
                assertThat(read.path("user_id").asLong()).isEqualTo(bob.id());
                assertThat(read.path("last_read_id").asText()).isEqualTo(id);
                assertThat(read.path("read_at").asText()).endsWith("Z");

                a.send(Map.of("type", "ping"));
                JsonNode next = a.next();
                assertThat(next.path("type").asText()).isEqualTo("pong");
            }
            JsonNode offline = a.nextOfType("presence");
            assertThat(offline.path("user_id").asLong()).isEqualTo(bob.id());
            assertThat(offline.path("online").asBoolean()).isFalse();
        }
    }

    @Test
    void aSocketOfADeadReplicaGoesOfflineWhenItsLeaseRunsOut() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        // Bob's socket on a replica that crashed: its lease was written as that replica would have,
        // and nobody renews it. (The test profile's lease is 3 s, renewed every second.)
        redis.sortedSet(String.class).zadd(ChatKeys.presence(UUID.fromString(c)),
                System.currentTimeMillis() + 1500, bob.id() + "|socket-of-a-dead-replica");
        try (WsClient a = open(ada, c)) {
            JsonNode online = a.nextOfType("presence");
            assertThat(online.path("user_id").asLong()).isEqualTo(bob.id());
            assertThat(online.path("online").asBoolean()).isTrue();
            JsonNode offline = a.nextOfType("presence");
            assertThat(offline.path("user_id").asLong()).isEqualTo(bob.id());
            assertThat(offline.path("online").asBoolean()).isFalse();
        }
        try (WsClient again = open(ada, c)) {
            JsonNode frame = again.poll(Duration.ofSeconds(2));
            assertThat(frame).as("nobody is online but Ada").isNull();
        }
    }

    @Test
    void badFramesGetErrorFramesAndTheSocketStaysOpen() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada, c)) {
            a.send("{not json");
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_json");
            a.send("[1,2]");
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_json");
            a.send(Map.of("type", "dance"));
            JsonNode unknown = a.next();
            assertThat(unknown.path("type").asText()).isEqualTo("error");
            assertThat(unknown.path("code").asText()).isEqualTo("unknown_type");
            a.send(Map.of("type", "message", "content", "   "));
            assertThat(a.next().path("code").asText()).isEqualTo("empty_content");
            a.send(Map.of("type", "message", "content", "y".repeat(5001)));
            assertThat(a.next().path("code").asText()).isEqualTo("content_too_long");
            a.send(Map.of("type", "message", "content", 42));
            assertThat(a.next().path("code").asText()).isEqualTo("empty_content");
            a.send(Map.of("type", "message", "content", "hi", "client_id", 7));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_client_id");
            a.send(Map.of("type", "ping"));
            assertThat(a.next().path("type").asText()).isEqualTo("pong");
        }
        assertThat(ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().extract()
                .<Integer>path("data.total")).isZero();
    }

    @Test
    void burstsBeyondTheRateLimitAreRefusedAndNotStored() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada, c)) {
            for (int i = 0; i < 60; i++) {
                a.send(Map.of("type", "message", "content", "flood " + i));
            }
            int delivered = assertSomeRateLimited(List.of(a), 60, "message");
            int stored = ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().extract()
                    .path("data.total");
            assertThat(stored).isEqualTo(delivered);
        }
    }

    @Test
    void everyFrameTypeIsBudgetedPerUserOverAllTheirSockets() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a1 = open(ada, c); WsClient a2 = open(ada, c)) {
            // 30 pings on each socket: within a per-socket burst of 40, beyond the user's.
            for (int i = 0; i < 30; i++) {
                a1.send(Map.of("type", "ping"));
                a2.send(Map.of("type", "ping"));
            }
            assertSomeRateLimited(List.of(a1, a2), 30, "pong");
        }
    }

    /**
     * Reads {@code each} answers from every socket: each is {@code answer} or a {@code rate_limited}
     * error, some are refused, and the budget's burst of 40 was let through. Returns the answers.
     */
    private static int assertSomeRateLimited(List<WsClient> sockets, int each, String answer) {
        int answered = 0;
        int limited = 0;
        for (WsClient socket : sockets) {
            for (int i = 0; i < each; i++) {
                JsonNode frame = socket.next();
                if (answer.equals(frame.path("type").asText())) {
                    answered++;
                } else if ("rate_limited".equals(frame.path("code").asText())) {
                    limited++;
                }
            }
        }
        assertThat(answered + limited).isEqualTo(sockets.size() * each);
        assertThat(limited).isPositive();
        assertThat(answered).isBetween(40, sockets.size() * each - 1);
        return answered;
    }

    @Test
    void aResumeTakesTheBudgetOfTenFrames() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada, c)) {
            // Nothing to replay, so an accepted resume has no answer: only the fifth one's refusal comes.
            for (int i = 0; i < 5; i++) {
                a.send(Map.of("type", "resume", "last_id", "1-0"));
            }
            assertThat(a.next().path("code").asText()).isEqualTo("rate_limited");
        }
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWith1008() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        WsClient a = open(ada, c);
        try {
            for (int i = 0; i < 300 && !a.isClosed(); i++) {
                a.send(Map.of("type", "typing", "is_typing", i % 2 == 0));
            }
        } catch (java.util.concurrent.CompletionException closedMeanwhile) {
            // the server closed the socket while frames were still being sent
        }
        assertThat(a.nextOfType("error").path("code").asText()).isEqualTo("rate_limited");
        assertThat(a.awaitCloseCode()).isEqualTo(1008);
        a.close();
    }

    @Test
    void framesOver64KiBCloseTheSocketWith1009() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        WsClient a = open(ada, c);
        a.send("{\"type\":\"message\",\"content\":\"" + "z".repeat(70 * 1024) + "\"}");
        assertThat(a.awaitCloseCode()).isEqualTo(1009);
        a.close();
    }

    @Test
    void reconnectingWithLastIdReplaysExactlyWhatWasMissed() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String seenUpTo;
        try (WsClient b = open(bob, c)) {
            b.send(Map.of("type", "message", "content", "before"));
            seenUpTo = nextMessage(b).path("id").asText();
        }
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(ada.api().contentType(ContentType.JSON).body(Map.of("content", "missed " + i))
                    .when().post("/api/chat/conversations/" + c + "/messages/").then().extract().path("data.id"));
        }
        try (WsClient b = WsClient.connect(url(c) + "?last_id=" + seenUpTo, bob.token())) {
            assertThat(b.next().path("type").asText()).isEqualTo("connection_established");
            List<String> replayed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                replayed.add(nextMessage(b).path("id").asText());
            }
            assertThat(replayed).isEqualTo(missed);
            // then live, with nothing duplicated
            ada.api().contentType(ContentType.JSON).body(Map.of("content", "live"))
                    .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
            assertThat(nextMessage(b).path("content").asText()).isEqualTo("live");

            // resume on an open socket replays again from the given point
            b.send(Map.of("type", "resume", "last_id", missed.get(2)));
            assertThat(nextMessage(b).path("id").asText()).isEqualTo(missed.get(3));
            assertThat(nextMessage(b).path("id").asText()).isEqualTo(missed.get(4));
            assertThat(nextMessage(b).path("content").asText()).isEqualTo("live");
            assertThat(b.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void tooManyMissedMessagesAskForResync() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        UUID id = UUID.fromString(c);
        MessageStore.Sender sender = new MessageStore.Sender(ada.id(), "Ada Tester", ada.email());
        String first = store.append(id, sender, "first", null, Set.of(ada.id(), bob.id())).await().indefinitely()
                .id();
        for (int i = 0; i < 1001; i++) {
            store.append(id, sender, "bulk " + i, null, Set.of(ada.id(), bob.id())).await().indefinitely();
        }
        try (WsClient b = WsClient.connect(url(c) + "?last_id=" + first, bob.token())) {
            assertThat(b.next().path("type").asText()).isEqualTo("connection_established");
            assertThat(b.next().path("type").asText()).isEqualTo("resync_required");
        }
    }
}
