package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** One access-log line per request with the fields of docs/API.md#operations, and never a secret. */
@QuarkusTest
class AccessLogTest {

    private LogCapture capture;

    @BeforeEach
    void attach() {
        capture = LogCapture.of("org.chatsuite.access");
    }

    @AfterEach
    void detach() {
        capture.close();
    }

    private String lineWith(String requestId) {
        Awaitility.await().until(() -> capture.lines().stream().anyMatch(l -> l.contains("request_id=" + requestId)));
        List<String> matching = capture.lines().stream().filter(l -> l.contains("request_id=" + requestId)).toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    @Test
    void authenticatedRequestIsLoggedWithUserAndWithoutSecrets() {
        Accounts.Session session = Accounts.newSession("log");
        given().header("X-Request-Id", "log-test-1").header("Authorization", session.bearer())
                .queryParam("access_token", session.accessToken()).queryParam("q", "ada")
                .when().get("/api/users/list/").then().statusCode(200);
        String line = lineWith("log-test-1");
        assertThat(line).contains("method=GET").contains("path=/api/users/list/?")
                .contains("access_token=REDACTED").contains("q=ada")
                .contains("user=" + session.userId()).contains("ip=127.0.0.1").contains("status=200")
                .containsPattern("duration_ms=\\d+\\.\\d");
        assertThat(line).doesNotContain(session.accessToken());
    }

    @Test
    void anonymousFailedLoginIsLoggedWithoutThePassword() {
        given().header("X-Request-Id", "log-test-2").contentType(ContentType.JSON)
                .body(Map.of("email", "someone@example.com", "password", "SuperSecret-Value-42"))
                .when().post("/api/users/login/").then().statusCode(401);
        String line = lineWith("log-test-2");
        assertThat(line).contains("method=POST").contains("path=/api/users/login/").contains("user=anonymous")
                .contains("status=401").doesNotContain("SuperSecret");
    }
}
