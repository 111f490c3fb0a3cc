package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Health and metrics are on the management interface only: the public port (what the Ingress
 * exposes) neither serves the gateway's own nor forwards to a service's.
 */
@QuarkusTest
class ManagementInterfaceTest {

    @Test
    void healthAndMetricsAnswerOnTheManagementPort() {
        Management.given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/metrics").then().statusCode(200).body(containsString("gateway_upstream_latency_seconds"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/metrics", "/q/health", "/q/health/ready", "/q/health/live" })
    void thePublicPortAnswersThemWithNotFound(String path) {
        given().when().get(path).then().statusCode(404).body("status", equalTo("error")).body("code", equalTo("not_found"));
    }
}
