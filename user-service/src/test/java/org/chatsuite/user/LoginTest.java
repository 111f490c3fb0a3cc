package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class LoginTest {

    private static ExtractableResponse<Response> login(String email, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/").then().extract();
    }

    @Test
    void loginReturnsUserTokensAndCookieAndUpdatesLastSeen() {
        String email = Accounts.uniqueEmail("login");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        var response = given().contentType(ContentType.JSON)
                .body(Map.of("email", " " + email.toUpperCase(), "password", Accounts.PASSWORD))
                .when().post("/api/users/login/")
                .then().statusCode(200)
                .body("status", equalTo("success"))
                .body("data.email", equalTo(email))
                .body("data.full_name", equalTo("Ada Lovelace"))
                .body("data.last_seen", notNullValue())
                .body("data.tokens.access_token", notNullValue())
                .body("data.tokens.refresh_token", notNullValue())
                .body("data.tokens.token_type", equalTo("Bearer"))
                .body("data.tokens.expires_in", equalTo(900))
                .extract();
        assertThat(response.header("Set-Cookie")).contains("chat_access_token=").contains("HttpOnly")
                .contains("SameSite=Lax").contains("Path=/").contains("Max-Age=900");
        String token = response.path("data.tokens.access_token");
        given().header("Authorization", "Bearer " + token).when().get("/api/users/profile/")
                .then().statusCode(200).body("data.last_seen", equalTo((String) response.path("data.last_seen")));
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
        String email = Accounts.uniqueEmail("wrongpw");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        var wrongPassword = login(email, "not the password");
        var unknownEmail = login(Accounts.uniqueEmail("nobody"), "not the password");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(unknownEmail.statusCode()).isEqualTo(401);
        for (var r : java.util.List.of(wrongPassword, unknownEmail)) {
            assertThat(r.<String>path("message")).isEqualTo("Invalid email or password");
            assertThat(r.<String>path("code")).isEqualTo("invalid_credentials");
            assertThat(r.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void missingFieldsAreValidationErrors() {
        given().contentType(ContentType.JSON).body("{\"email\":\"\"}")
                .when().post("/api/users/login/")
                .then().statusCode(400)
                .body("errors.email", hasItem("This field is required."))
                .body("errors.password", hasItem("This field is required."));
    }

    @Test
    void wronglyTypedFieldsAreValidationErrors() {
        String email = Accounts.uniqueEmail("typed");
        Map<String, Object> registration = new HashMap<>(Accounts.registration(email));
        registration.put("password", "1234567.5");
        registration.put("password_confirm", "1234567.5");
        Accounts.register(registration).statusCode(201);
        given().contentType(ContentType.JSON).body("{\"email\": 42, \"password\": [\"x\"]}")
                .when().post("/api/users/login/")
                .then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors.email", equalTo(List.of("Must be a string.")))
                .body("errors.password", equalTo(List.of("Must be a string.")));
        // A number is not read as the text of its digits, even when that text is the right password.
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", 1234567.5))
                .when().post("/api/users/login/")
                .then().statusCode(400)
                .body("errors.password", equalTo(List.of("Must be a string.")))
                .body("errors", not(hasKey("email")));
    }

    /** The rules in full, with other client IPs, in auth.LoginThrottleTest. */
    @Test
    void repeatedFailuresForOneEmailFromOneClientAreThrottled() {
        String email = Accounts.uniqueEmail("throttle");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        for (int i = 0; i < 10; i++) {
            assertThat(login(email, "wrong password " + i).statusCode()).isEqualTo(401);
        }
        var throttled = login(email, Accounts.PASSWORD);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.<String>path("code")).isEqualTo("throttled");
        assertThat(throttled.<String>path("message")).matches("Request was throttled\\. Expected available in \\d+ seconds\\.");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 900L);
        // Other accounts are unaffected.
        Accounts.newSession("unaffected");
    }

    @Test
    void successfulLoginResetsTheFailureCount() {
        String email = Accounts.uniqueEmail("reset");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        for (int i = 0; i < 9; i++) {
            login(email, "wrong password");
        }
        assertThat(login(email, Accounts.PASSWORD).statusCode()).isEqualTo(200);
        for (int i = 0; i < 9; i++) {
            assertThat(login(email, "wrong password").statusCode()).isEqualTo(401);
        }
        assertThat(login(email, Accounts.PASSWORD).statusCode()).isEqualTo(200);
    }
}
