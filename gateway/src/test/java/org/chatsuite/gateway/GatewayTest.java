package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.LogCapture;
import org.chatsuite.testsupport.WsClient;
import org.chatsuite.web.VerifiedTokens;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Routing, edge authentication, resilience, logging and CORS (throttles are off here: see ThrottleTest). */
@QuarkusTest
class GatewayTest {

    @Inject
    VerifiedTokens verified;

    @Test
    void routesEveryPrefixToItsService() {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        given().when().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kty", equalTo("RSA"));
        given().when().get("/api/chat/health/").then().statusCode(200).body("message", equalTo("API is running"));
        ada.api().when().get("/api/users/profile/").then().statusCode(200).body("data.email", equalTo(ada.email()));
        String c = Api.conversation(ada, bob);
        ada.api().contentType(ContentType.JSON).body(Map.of("content", "via the gateway"))
                .when().post("/api/chat/conversations/" + c + "/messages/").then().statusCode(201);
        bob.api().header("X-Request-Id", "gw-route-1").when().get("/api/chat/conversations/" + c + "/messages/")
                .then().statusCode(200)
                .header("X-Request-Id", "gw-route-1")
                .body("data.messages[0].content", equalTo("via the gateway"));
        given().when().get("/nowhere/at/all").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void requestMetricsAreTaggedWithTheRouteNotTheConversation() {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        String c = Api.conversation(ada, bob);
        ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().statusCode(200);
        ada.api().when().get("/api/chat/conversations/" + c + "/").then().statusCode(200);
        List<String> uris = Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count") && line.contains("/api/chat/conversations/"))
                .map(line -> line.replaceAll(".*uri=\"([^\"]*)\".*", "$1"))
                .toList();
        assertThat(uris).contains("/api/chat/conversations/{id}/messages/", "/api/chat/conversations/{id}/")
                .allSatisfy(uri -> assertThat(uri).doesNotMatch(".*[0-9a-f]{8}-[0-9a-f]{4}-.*"));
    }

    @Test
    void everyResponseCarriesEachOfItsHeadersOnceTheRequestIdIncluded() {
        Api.User ada = Api.newUser("Ada");
        for (var response : List.of(
                given().header("X-Request-Id", "abc-1").when().get("/api/chat/health/"),
                given().header("X-Request-Id", "abc-1").when().get("/.well-known/jwks.json"),
                given().header("X-Request-Id", "abc-1").when().get("/api/chat/conversations/"),
                ada.api().header("X-Request-Id", "abc-1").when().get("/api/users/profile/"),
                ada.api().header("X-Request-Id", "abc-1").when().get("/api/chat/conversations/00000000-0000-0000-0000-000000000000/"),
                given().header("X-Request-Id", "abc-1").when().get("/nowhere"))) {
            assertThat(response.headers().getList("X-Request-Id")).hasSize(1);
            assertThat(response.header("X-Request-Id")).isEqualTo("abc-1");
            var names = response.headers().asList().stream().map(h -> h.getName().toLowerCase())
                    .filter(n -> !n.equals("set-cookie")).toList();
            assertThat(names).doesNotHaveDuplicates();
        }
    }

    @Test
    void protectedRoutesNeedAValidUnrevokedTokenAtTheEdge() {
        given().when().get("/api/chat/conversations/").then().statusCode(401)
                .body("status", equalTo("error")).body("request_id", notNullValue());
        given().header("Authorization", "Bearer not.a.token").when().get("/api/users/profile/").then().statusCode(401);
        assertThat(WsClient.handshakeStatus("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/x", b -> {
        })).isEqualTo(401);

        Api.User ada = Api.newUser("Ada");
        // Accepted once, so the edge and chat-service hold the token as verified (VerifiedTokens) ...
        ada.api().when().get("/api/chat/conversations/").then().statusCode(200);
        ada.api().when().post("/api/users/logout/").then().statusCode(200);
        // ... revoked all the same: refused at the edge (the upstream is not even asked).
        ada.api().when().get("/api/chat/conversations/").then().statusCode(401);
        // A tampered copy of a valid token is verified in full, and refused.
        Api.User bob = Api.newUser("Bob");
        bob.api().when().get("/api/chat/conversations/").then().statusCode(200);
        String token = bob.token();
        assertThat(verified.cached(token)).as("the edge's parser remembers a verified token").isNotNull();
        int i = token.length() - 20; // inside the signature, a character whose every bit counts
        String tampered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        given().header("Authorization", "Bearer " + tampered).when().get("/api/chat/conversations/").then()
                .statusCode(401).body("code", equalTo("token_invalid"));
    }

    @Test
    void chatOverAWebSocketThroughTheGateway() {
        Api.User ada = Api.newUser("Ada");
        Api.User bob = Api.newUser("Bob");
        String c = Api.conversation(ada, bob);
        String url = "ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + c + "/";
        try (WsClient a = WsClient.connect(url, ada.token());
                WsClient b = WsClient.connect(url, b2 -> b2.header("Cookie", "chat_access_token=" + bob.token())
                        .header("Origin", "http://localhost:8080"))) {
            assertThat(a.next().path("type").asText()).isEqualTo("connection_established");
            assertThat(b.next().path("type").asText()).isEqualTo("connection_established");
            a.send(Map.of("type", "message", "content", "hello through the proxy"));
            JsonNode received = b.nextOfType("message");
            assertThat(received.path("message").path("content").asText()).isEqualTo("hello through the proxy");
            assertThat(a.nextOfType("message").path("message").path("id").asText())
                    .isEqualTo(received.path("message").path("id").asText());
            b.send(Map.of("type", "ping"));
            assertThat(b.nextOfType("pong").path("type").asText()).isEqualTo("pong");
        }
        assertThat(WsClient.handshakeStatus(url, b -> b.header("Cookie", "chat_access_token=" + bob.token())
                .header("Origin", "https://evil.example"))).isEqualTo(403);
        // The other carriers (docs/API.md#token-carriers) work through the gateway too.
        try (WsClient query = WsClient.connect(url + "?access_token=" + ada.token(), b -> {
        }); WsClient protocol = WsClient.connect(url, b -> b.subprotocols("bearer-token-carrier",
                "quarkus-http-upgrade%23Authorization%23Bearer%20" + bob.token()))) {
            assertThat(query.next().path("type").asText()).isEqualTo("connection_established");
            assertThat(protocol.next().path("type").asText()).isEqualTo("connection_established");
            // A browser drops a socket whose answer names none of the subprotocols it offered.
            assertThat(protocol.subprotocol()).isEqualTo("bearer-token-carrier");
        }
    }

    @Test
    void keepsServingWhenRedisIsDown() {
        EmbeddedStores.stopRedis();
        try {
            given().when().get("/.well-known/jwks.json").then().statusCode(200);
            given().when().get("/api/chat/health/").then().statusCode(200)
                    .header("X-RateLimit-Limit", notNullValue());
        } finally {
            EmbeddedStores.restartRedis();
        }
    }

    @Test
    void stoppedUpstreamGets503QuicklyAndRecovers() {
        SuiteResource.chatService().stop();
        SuiteResource.secondChatService().stop();
        try {
            for (int i = 0; i < 7; i++) {
                given().when().get("/api/chat/health/").then().statusCode(503)
                        .body("code", equalTo("service_unavailable"));
            }
            given().when().get("/.well-known/jwks.json").then().statusCode(200);
        } finally {
            SuiteResource.chatService().start();
            SuiteResource.secondChatService().start();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().when().get("/api/chat/health/").then().statusCode(200));
    }

    @Test
    void aRevokedCookieDoesNotStandInTheWayOfLoggingInAgain() {
        Api.User user = Api.newUser("Stale");
        user.api().contentType(ContentType.JSON).body("{}").when().post("/api/users/logout/").then().statusCode(200);
        // The browser still sends the revoked token's cookie: refused where it is the credential...
        given().cookie("chat_access_token", user.token()).when().get("/api/users/profile/").then().statusCode(401);
        // ...ignored where the body carries the credentials.
        given().cookie("chat_access_token", user.token()).contentType(ContentType.JSON)
                .body(Map.of("email", user.email(), "password", "gateway password 1"))
                .when().post("/api/users/login/").then().statusCode(200).cookie("chat_access_token");
    }

    @Test
    void aChatReplicaThatRefusesConnectionsIsSkipped() {
        // SuiteResource lists a dead replica before the live one: round-robin must never surface it,
        // and once it refused a connection it is not tried again for the breaker's open time (5 s).
        double before = deadReplicaConnectFailures();
        for (int i = 0; i < 6; i++) {
            given().when().get("/api/chat/health/").then().statusCode(200);
        }
        double after = deadReplicaConnectFailures();
        assertThat(after).as("the dead replica was tried (the metric counts it)").isGreaterThanOrEqualTo(1);
        assertThat(after - before).isLessThanOrEqualTo(1);
    }

    private static double deadReplicaConnectFailures() {
        String replica = "replica=\"127.0.0.1:" + SuiteResource.deadReplicaPort() + "\"";
        return Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("gateway_upstream_connect_failures_total") && line.contains(replica))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void servesTheWebClientWithAContentSecurityPolicy() {
        given().when().get("/").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Frame-Options", "DENY");
        given().when().get("/no-such-page.html").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void oversizedBodiesAre413() {
        given().contentType(ContentType.JSON).body("{\"email\":\"" + "a".repeat(70 * 1024) + "\"}")
                .when().post("/api/users/register/").then().statusCode(413).body("code", equalTo("payload_too_large"));
    }

    @Test
    void corsPreflightAndSecurityHeaders() {
        given().header("Origin", "http://localhost:8080").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Content-Type")
                .when().options("/api/users/login/")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:8080")
                .header("Access-Control-Allow-Credentials", "true");
        var foreign = given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .when().options("/api/users/login/").then().extract();
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        given().when().get("/api/chat/health/").then()
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY");
    }

    @Test
    void accessLogHasTheFieldsAndNoSecrets() {
        try (LogCapture capture = LogCapture.of("org.chatsuite.access")) {
            List<String> lines = capture.lines();
            Api.User ada = Api.newUser("Ada");
            // The test client is on loopback, a trusted proxy by default: its X-Forwarded-For names the client.
            ada.api().header("X-Request-Id", "gw-log-1").header("X-Forwarded-For", "198.51.100.66")
                    .queryParam("access_token", ada.token())
                    .when().get("/api/users/profile/").then().statusCode(200);
            given().header("X-Request-Id", "gw-log-2").contentType(ContentType.JSON)
                    .body(Map.of("email", ada.email(), "password", "Wrong-Secret-123"))
                    .when().post("/api/users/login/").then().statusCode(401);
            Awaitility.await().until(() -> lines.stream().filter(l -> l.contains("request_id=gw-log-")).count() == 2);
            String authed = lines.stream().filter(l -> l.contains("request_id=gw-log-1")).findFirst().orElseThrow();
            assertThat(authed).contains("method=GET", "path=/api/users/profile/?access_token=REDACTED",
                    "user=" + ada.id(), "ip=198.51.100.66", "status=200", "duration_ms=").doesNotContain(ada.token());
            String failed = lines.stream().filter(l -> l.contains("request_id=gw-log-2")).findFirst().orElseThrow();
            assertThat(failed).contains("user=anonymous", "status=401").doesNotContain("Wrong-Secret");
        }
    }
}
