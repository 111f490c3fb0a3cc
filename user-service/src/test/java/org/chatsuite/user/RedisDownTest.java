package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.EmbeddedStores;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Redis stopped: every request that needs it is refused as a retryable outage (503
 * {@code service_unavailable} with {@code Retry-After}, docs/API.md), never a 500 with a stack trace,
 * whether the code turned the failure into an ApiException itself or the raw Redis failure reached
 * the exception mappers.
 */
@QuarkusTest
class RedisDownTest {

    @Test
    void redisFailuresAre503WithRetryAfter() {
        Accounts.Session session = Accounts.newSession("redis-down");
        refresh(session.refreshToken()).statusCode(200); // rotated: presenting it again is reuse
        EmbeddedStores.stopRedis();
        try {
            // Reuse revokes the session in Redis; that write's raw failure goes to the exception mappers.
            unavailable(given().contentType(ContentType.JSON).body(Map.of("refresh_token", session.refreshToken()))
                    .when().post("/api/users/token/refresh/").then().extract());
            // The revocation check of an authenticated request.
            unavailable(given().header("Authorization", session.bearer()).when().get("/api/users/profile/").then().extract());
            // The login throttle.
            unavailable(given().contentType(ContentType.JSON)
                    .body(Map.of("email", session.email(), "password", Accounts.PASSWORD))
                    .when().post("/api/users/login/").then().extract());
        } finally {
            EmbeddedStores.restartRedis();
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().header("Authorization", session.bearer()).when().get("/api/users/profile/").then().statusCode(200));
    }

    private static io.restassured.response.ValidatableResponse refresh(String refreshToken) {
        return given().contentType(ContentType.JSON).body(Map.of("refresh_token", refreshToken))
                .when().post("/api/users/token/refresh/").then();
    }

    private static void unavailable(ExtractableResponse<Response> response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.<String>path("status")).isEqualTo("error");
        assertThat(response.<String>path("code")).isEqualTo("service_unavailable");
        assertThat(response.<String>path("request_id")).isNotBlank();
    }
}
