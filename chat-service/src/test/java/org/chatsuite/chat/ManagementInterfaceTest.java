package org.chatsuite.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health and metrics are on the management interface only: the API port, which the gateway forwards to, has none. */
@QuarkusTest
class ManagementInterfaceTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void healthAndMetricsAnswerOnTheManagementPort() {
        given().port(management.getPort()).when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("chat_sockets_open"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/metrics", "/q/health", "/q/health/ready" })
    void theApiPortAnswersThemWithNotFound(String path) {
        given().when().get(path).then().statusCode(404).body("code", equalTo("not_found"));
    }
}
