package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** WebSockets through the gateway under load and faults: bursts of handshakes, dead replicas, slow readers. */
@QuarkusTest
class SocketRelayTest {

    @Inject
    Vertx vertx;

    @Test
    void fiveHundredSocketsOpenedWith64HandshakesInFlightAllReceiveOneBroadcast() {
        List<Api.User> members = IntStream.range(0, 50).mapToObj(i -> Api.newUser("Burst")).toList();
        String c = group(members);
        List<String> tokens = new ArrayList<>();
        members.forEach(m -> IntStream.range(0, 10).forEach(i -> tokens.add(m.token())));

        try (Sockets burst = new Sockets(vertx).open(RestAssured.port, "/ws/chat/" + c + "/", tokens, 64,
                Duration.ofSeconds(120))) {
            assertThat(burst.failures).isEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> burst.sockets.stream()
                    .allMatch(s -> s.countOfType("connection_established") == 1));
            String id = send(members.get(0), c, "one for all");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> burst.sockets.stream().allMatch(s -> s.received(id)));
            assertThat(burst.openCount()).isEqualTo(500);
        }
    }

    @Test
    void socketsOfAKilledReplicaAreClosedWith1012AndTheOthersKeepWorking() throws Exception {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        String c = Api.conversation(ada, bob);
        List<String> tokens = new ArrayList<>();
        IntStream.range(0, 10).forEach(i -> {
            tokens.add(ada.token());
            tokens.add(bob.token());
        });
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            while (sending.get()) {
                ada.api().contentType(ContentType.JSON).body(Map.of("content", "traffic"))
                        .post("/api/chat/conversations/" + c + "/messages/");
                sleep(20);
            }
        });
        try (Sockets sockets = new Sockets(vertx).open(RestAssured.port, "/ws/chat/" + c + "/", tokens, 20,
                Duration.ofSeconds(60))) {
            assertThat(sockets.failures).isEmpty();
            traffic.start();
            // Traffic reaches every socket, on both replicas, before one of them dies.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> sockets.sockets.stream().allMatch(s -> s.countOfType("message") > 0));
            SuiteResource.secondChatService().kill();
            // Round robin put about half the sockets on the killed replica: each is closed, none hangs open.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sockets.openCount() <= 15);
            sending.set(false);
            traffic.join();
            // A socket of the killed replica that is not closed yet never receives this: the wait below then
            // lasts until it is closed, so no pause is needed to tell the two kinds apart.
            String id = send(ada, c, "after the crash");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sockets.sockets.stream()
                    .allMatch(s -> s.closed.isDone() || s.received(id)));
            List<Short> closeCodes = sockets.sockets.stream().filter(s -> s.closed.isDone())
                    .map(s -> s.closed.join()).toList();
            assertThat(closeCodes).hasSizeBetween(5, 15).containsOnly((short) 1012);
        } finally {
            sending.set(false);
            traffic.join();
            SuiteResource.secondChatService().start();
        }
    }

    @Test
    void upgradesCountForTheBreakerAndAnyKindOfRequestCanCloseItAgain() throws Exception {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        String c = Api.conversation(ada, bob);
        SuiteResource.chatService().stop();
        SuiteResource.secondChatService().stop();
        try {
            for (int i = 0; i < 7; i++) {
                UpgradeRejectedException refused = refusedHandshake(ada, c);
                assertThat(refused.getStatus()).isEqualTo(503);
                JsonObject envelope = new JsonObject(refused.getBody());
                assertThat(envelope.getString("status")).isEqualTo("error");
                assertThat(envelope.getString("code")).isEqualTo("service_unavailable");
                assertThat(refused.getHeaders().get("Retry-After")).isNotBlank();
            }
            // The breaker opened on upgrades alone.
            Management.given().when().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                    "gateway_upstream_errors_total{kind=\"breaker_open\",upstream=\"chat-service\"}"));
        } finally {
            SuiteResource.chatService().start();
            SuiteResource.secondChatService().start();
        }
        // An upgrade probes first: it succeeds once the breaker lets it, and a REST call right after too.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> handshake(ada, c) == 101);
        ada.api().when().get("/api/chat/conversations/" + c + "/").then().statusCode(200);
    }

    @Test
    void aClientThatStopsReadingIsClosedWhileTheOthersGetEveryMessage() throws Exception {
        Api.User sender = Api.newUser("Sender");
        Api.User reader = Api.newUser("Reader");
        Api.User sleeper = Api.newUser("Sleeper");
        String c = ada3(sender, reader, sleeper);
        int count = 10_000;
        String content = "x".repeat(5_000);
        try (Sockets sockets = new Sockets(vertx).open(RestAssured.port, "/ws/chat/" + c + "/",
                List.of(sender.token(), reader.token(), sleeper.token()), 3, Duration.ofSeconds(30))) {
            Sockets.Socket from = sockets.sockets.get(0);
            Sockets.Socket reading = sockets.sockets.get(1);
            Sockets.Socket slow = sockets.sockets.get(2);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> sockets.sockets.stream().allMatch(s -> s.countOfType("connection_established") == 1));
            slow.ws.pause(); // reads nothing more: its TCP window fills, then the relay's, then chat-service's bound
            String frame = new JsonObject().put("type", "message").put("content", content).encode();
            for (int i = 0; i < count; i++) {
                from.ws.writeTextMessage(frame);
                if (from.ws.writeQueueFull()) {
                    CompletableFuture<Void> drained = new CompletableFuture<>();
                    from.ws.drainHandler(v -> drained.complete(null));
                    if (from.ws.writeQueueFull()) { // else it drained before the handler was set
                        drained.get(60, TimeUnit.SECONDS);
                    }
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> reading.countOfType("message") == count);
            assertThat(from.countOfType("message")).isEqualTo(count);
            slow.ws.resume();
            assertThat(slow.closed.get(60, TimeUnit.SECONDS)).isEqualTo((short) 1013);
            assertThat(slow.countOfType("message")).isLessThan(count);
            assertThat(reading.closed).isNotDone();
        }
    }

    private String ada3(Api.User creator, Api.User a, Api.User b) {
        return group(List.of(creator, a, b));
    }

    private static String group(List<Api.User> members) {
        return members.get(0).api().contentType(ContentType.JSON)
                .body(Map.of("participant_ids", members.stream().skip(1).map(Api.User::id).toList(), "name", "burst"))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
    }

    private static String send(Api.User from, String c, String content) {
        return from.api().contentType(ContentType.JSON).body(Map.of("content", content))
                .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201)
                .extract().path("data.id");
    }

    private int handshake(Api.User user, String c) {
        try {
            connect(user, c).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).close();
            return 101;
        } catch (Exception e) {
            return e.getCause() instanceof UpgradeRejectedException r ? r.getStatus() : -1;
        }
    }

    private UpgradeRejectedException refusedHandshake(Api.User user, String c) throws Exception {
        try {
            connect(user, c).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).close();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException r) {
                return r;
            }
            throw e;
        }
        throw new AssertionError("the handshake succeeded");
    }

    private io.vertx.core.Future<io.vertx.core.http.WebSocket> connect(Api.User user, String c) {
        WebSocketClient client = vertx.createWebSocketClient();
        return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(RestAssured.port)
                .setURI("/ws/chat/" + c + "/").addHeader("Authorization", "Bearer " + user.token()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
