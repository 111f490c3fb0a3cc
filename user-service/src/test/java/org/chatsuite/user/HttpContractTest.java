package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The HTTP conventions every endpoint shares (docs/API.md: Conventions, Envelope and errors, Operations). */
@QuarkusTest
class HttpContractTest {

    @Test
    void malformedJsonIs400InTheEnvelope() {
        given().contentType(ContentType.JSON).body("{\"email\": ")
                .when().post("/api/users/register/")
                .then().statusCode(400)
                .body("status", equalTo("error"))
                .body("code", equalTo("malformed_json"))
                .body("request_id", notNullValue());
    }

    @Test
    void wrongShapeJsonIs400() {
        given().contentType(ContentType.JSON).body("[1,2,3]")
                .when().post("/api/users/login/")
                .then().statusCode(400).body("code", equalTo("malformed_json"));
        given().contentType(ContentType.JSON).body("{\"email\": {\"a\": 1}, \"password\": \"x\"}")
                .when().post("/api/users/login/")
                .then().statusCode(400).body("status", equalTo("error"));
    }

    @Test
    void nonJsonContentTypeIs415() {
        given().contentType(ContentType.TEXT).body("email=a@b.co")
                .when().post("/api/users/login/")
                .then().statusCode(415)
                .body("code", equalTo("unsupported_media_type"));
    }

    @Test
    void bodyOver64KiBIs413() {
        String big = "{\"email\":\"" + "a".repeat(70 * 1024) + "\"}";
        given().contentType(ContentType.JSON).body(big)
                .when().post("/api/users/register/")
                .then().statusCode(413)
                .body("status", equalTo("error"))
                .body("code", equalTo("payload_too_large"));
    }

    @Test
    void unknownRouteIs404InTheEnvelope() {
        given().when().get("/api/users/nope/nothing/here")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().when().get("/definitely-not-here")
                .then().statusCode(404).body("status", equalTo("error")).body("code", equalTo("not_found"));
    }

    @Test
    void wrongMethodIs405() {
        given().when().delete("/api/users/login/")
                .then().statusCode(405).body("code", equalTo("method_not_allowed"));
    }

    @Test
    void pathsWorkWithAndWithoutTrailingSlash() {
        given().when().get("/api/users/profile").then().statusCode(401).body("code", equalTo("not_authenticated"));
        given().when().get("/api/users/profile/").then().statusCode(401).body("code", equalTo("not_authenticated"));
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/users/login").then().statusCode(400).body("code", equalTo("validation_error"));
    }

    @Test
    void requestIdIsEchoedWhenSaneAndGeneratedOtherwise() {
        given().header("X-Request-Id", "abc-123").when().get("/api/users/profile/")
                .then().header("X-Request-Id", "abc-123").body("request_id", equalTo("abc-123"));
        given().header("X-Request-Id", "bad id with spaces <script>").when().get("/api/users/profile/")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        given().when().get("/api/users/profile/")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void healthAndMetrics() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void errorEnvelopeHasNoValidationErrorsKeyUnlessValidation() {
        given().when().get("/api/users/profile/").then().statusCode(401).body("errors", nullValue());
    }
}
