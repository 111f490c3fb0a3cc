package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** The default limits (docs/API.md#throttling), exactly at their boundaries. */
@QuarkusTest
@TestProfile(ThrottleTest.DefaultLimits.class)
class ThrottleTest {

    public static class DefaultLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The contract's defaults, and the test client trusted as a proxy so that each test
            // can be its own client IP through X-Forwarded-For.
            return Map.of("chatsuite.throttle.anonymous-per-minute", "20", "chatsuite.throttle.user-per-minute", "100",
                    "chatsuite.throttle.history-per-minute", "10", "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    private static ExtractableResponse<Response> anonymous(String ip) {
        return given().header("X-Forwarded-For", ip).when().get("/api/chat/health/").then().extract();
    }

    @Test
    void the21stAnonymousRequestInAMinuteIsThrottled() {
        String ip = "203.0.113." + (1 + (int) (Math.random() * 200));
        for (int i = 1; i <= 20; i++) {
            ExtractableResponse<Response> ok = anonymous(ip);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("20");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(20 - i));
            assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isBetween(1L, 60L);
        }
        ExtractableResponse<Response> throttled = anonymous(ip);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.<String>path("code")).isEqualTo("throttled");
        // GCRA: one request every 3 s refills the budget; how much of that is left depends on the time taken.
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3L);
        assertThat(throttled.<String>path("message"))
                .isEqualTo("Request was throttled. Expected available in " + retryAfter + " seconds.");
        assertThat(throttled.header("X-RateLimit-Remaining")).isEqualTo("0");
        // Another client is not affected.
        assertThat(anonymous("198.51.100.7").statusCode()).isEqualTo(200);
    }

    @Test
    void historyIsLimitedTo10PerMinutePerUser() {
        String ip = "192.0.2." + (1 + (int) (Math.random() * 200));
        Api.User ada = registerFrom(ip, "Ada");
        Api.User bob = registerFrom(ip, "Bob");
        String c = Api.conversation(ada, bob);
        for (int i = 1; i <= 10; i++) {
            ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().statusCode(200)
                    .header("X-RateLimit-Limit", "10");
        }
        ada.api().when().get("/api/chat/conversations/" + c + "/messages/").then().statusCode(429)
                .body("code", equalTo("throttled"));
        // Other routes still pass for the same user (100/min), and other users' history too.
        ada.api().when().get("/api/chat/conversations/").then().statusCode(200).header("X-RateLimit-Limit", "100");
        bob.api().when().get("/api/chat/conversations/" + c + "/messages/").then().statusCode(200);
    }

    @Test
    void historyVariantsAndHeadCannotDodgeTheHistoryRule() throws Exception {
        String ip = "192.0.2." + (1 + (int) (Math.random() * 200));
        Api.User ada = registerFrom(ip, "Ada");
        Api.User bob = registerFrom(ip, "Bob");
        String c = Api.conversation(ada, bob);
        // Ten spellings of one history page, HEAD among them: each is served, and each counts.
        List<String> variants = List.of("/api/chat/conversations/" + c + "/messages/",
                "/api/chat/./conversations/" + c + "/messages/", "/api/chat//conversations/" + c + "/messages/",
                "/api/chat/conversations/" + c + "/%6Dessages/", "/api/chat/x/../conversations/" + c + "/messages/",
                "/api/chat/conversations/" + c + "/messages", "/api/%63hat/conversations/" + c + "/messages/",
                "/api/chat/conversations/" + c + "//messages/", "/api/chat/conversations/" + c + "/messages/./");
        for (String path : variants) {
            assertThat(raw("GET", path, ada.token()).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(raw("HEAD", variants.get(0), ada.token()).statusCode()).isEqualTo(200);
        HttpResponse<String> throttled = raw("GET", variants.get(3), ada.token());
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("X-RateLimit-Limit")).hasValue("10");
    }

    @Test
    void requestsRefusedAtTheEdgeCountAgainstTheClientIp() {
        String ip = "198.51.100." + (1 + (int) (Math.random() * 200));
        ExtractableResponse<Response> first = refusedAtTheEdge(ip);
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("20");
        assertThat(first.header("X-RateLimit-Remaining")).isEqualTo("19");
        // GCRA refills one request every 3 s, so on a slow machine a few more than 19 may pass.
        assertThat(untilThrottled(() -> refusedAtTheEdge(ip), 40)).isBetween(19, 40);
    }

    @Test
    void sessionStartsCountPerClientIpEvenWithAValidToken() {
        Api.User ada = registerFrom("203.0.113.250", "Ada");
        String ip = "192.0.2." + (1 + (int) (Math.random() * 200));
        // Refreshes with a bogus refresh token: answered at once (no password hashing), with Ada's valid token attached.
        int passed = untilThrottled(() -> ada.api().header("X-Forwarded-For", ip).contentType("application/json")
                .body(Map.of("refresh_token", "not-a-refresh-token")).when().post("/api/users/token/refresh/")
                .then().extract(), 40);
        assertThat(passed).isBetween(20, 40); // the per-IP rule (20), not the per-user one (100), refused
        // The same user elsewhere is not affected: the per-IP rule was what refused.
        ada.api().when().get("/api/users/profile/").then().statusCode(200);
    }

    private static ExtractableResponse<Response> refusedAtTheEdge(String ip) {
        return given().header("X-Forwarded-For", ip).header("Authorization", "Bearer not.a.token")
                .when().get("/api/chat/conversations/").then().extract();
    }

    /** How many requests passed before the first 429 (which must come within {@code max}). */
    private static int untilThrottled(java.util.function.Supplier<ExtractableResponse<Response>> request, int max) {
        for (int i = 0; i < max; i++) {
            ExtractableResponse<Response> response = request.get();
            if (response.statusCode() == 429) {
                assertThat(response.<String>path("code")).isEqualTo("throttled");
                assertThat(response.header("Retry-After")).isNotBlank();
                return i;
            }
            assertThat(response.header("X-RateLimit-Limit")).isNotNull();
        }
        throw new AssertionError("not throttled after " + max + " requests");
    }

    /** A request sent exactly as written: no client-side normalisation of the path. */
    private static HttpResponse<String> raw(String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Api.User registerFrom(String ip, String name) {
        String email = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "gateway password 1";
        given().header("X-Forwarded-For", ip).contentType("application/json")
                .body(Map.of("email", email, "first_name", name, "last_name", "Tester", "password", password,
                        "password_confirm", password))
                .when().post("/api/users/register/").then().statusCode(201);
        var login = given().header("X-Forwarded-For", ip).contentType("application/json")
                .body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/").then().statusCode(200).extract().jsonPath();
        return new Api.User(login.getLong("data.id"), email, login.getString("data.tokens.access_token"));
    }
}
