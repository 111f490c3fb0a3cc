package org.chatsuite.user;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Test helper: real registrations and logins through the HTTP API. */
public final class Accounts {

    public static final String PASSWORD = "correct horse battery";

    private Accounts() {
    }

    public static String uniqueEmail(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    public static Map<String, Object> registration(String email) {
        return Map.of("email", email, "first_name", "Ada", "last_name", "Lovelace", "password", PASSWORD,
                "password_confirm", PASSWORD);
    }

    public static ValidatableResponse register(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/users/register/").then();
    }

    /** Registers a new user and logs in: returns the login response's {@code data}. */
    public static Session newSession(String prefix) {
        String email = uniqueEmail(prefix);
        register(registration(email)).statusCode(201);
        return login(email, PASSWORD);
    }

    public static Session login(String email, String password) {
        var data = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/")
                .then().statusCode(200).extract().jsonPath();
        return new Session(data.getLong("data.id"), email, data.getString("data.tokens.access_token"),
                data.getString("data.tokens.refresh_token"));
    }

    public record Session(long userId, String email, String accessToken, String refreshToken) {
        public String bearer() {
            return "Bearer " + accessToken;
        }
    }
}
