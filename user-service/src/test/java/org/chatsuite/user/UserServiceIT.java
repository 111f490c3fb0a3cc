package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/** The main flows against the packaged application (the jar here, the native executable in CI). */
@QuarkusIntegrationTest
class UserServiceIT {

    @Test
    void registerLoginProfileRefreshLogout() {
        String email = Accounts.uniqueEmail("it");
        Accounts.register(Accounts.registration(email)).statusCode(201).body("data.email", equalTo(email));
        Accounts.Session session = Accounts.login(email, Accounts.PASSWORD);

        given().header("Authorization", session.bearer()).when().get("/api/users/profile/")
                .then().statusCode(200).body("data.full_name", equalTo("Ada Lovelace"));
        given().header("Authorization", session.bearer()).queryParam("ids", String.valueOf(session.userId()))
                .when().get("/api/users/batch/").then().statusCode(200).body("data[0].email", equalTo(email));

        String refreshed = given().contentType(ContentType.JSON).body(Map.of("refresh_token", session.refreshToken()))
                .when().post("/api/users/token/refresh/")
                .then().statusCode(200).body("data.tokens.access_token", notNullValue())
                .extract().path("data.tokens.access_token");

        given().header("Authorization", "Bearer " + refreshed).when().post("/api/users/logout/").then().statusCode(200);
        given().header("Authorization", "Bearer " + refreshed).when().get("/api/users/profile/").then().statusCode(401);
    }

    @Test
    void jwksHealthAndErrors() {
        given().when().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kid", notNullValue());
        // Health and metrics are on the management port only, never on the API's.
        given().when().get("/q/health/ready").then().statusCode(404).body("code", equalTo("not_found"));
        given().when().get("/nowhere").then().statusCode(404).body("code", equalTo("not_found"));
        given().contentType(ContentType.JSON).body("{oops").when().post("/api/users/login/")
                .then().statusCode(400).body("code", equalTo("malformed_json"));
    }
}
