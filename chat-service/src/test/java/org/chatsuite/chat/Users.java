package org.chatsuite.chat;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import org.chatsuite.testsupport.UserServiceResource;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Real users, registered and logged in at the real user-service. */
public final class Users {

    private Users() {
    }

    public record User(long id, String email, String token, String firstName) {
        public RequestSpecification api() {
            return given().header("Authorization", "Bearer " + token);
        }

        public String bearer() {
            return "Bearer " + token;
        }
    }

    public static User create(String firstName) {
        String email = firstName.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "secret password 1";
        given().baseUri(UserServiceResource.url()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "first_name", firstName, "last_name", "Tester", "password", password,
                        "password_confirm", password))
                .when().post("/api/users/register/").then().statusCode(201);
        var data = given().baseUri(UserServiceResource.url()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/").then().statusCode(200).extract().jsonPath();
        return new User(data.getLong("data.id"), email, data.getString("data.tokens.access_token"), firstName);
    }

    /** Creates a conversation as {@code creator} with the others; returns its id. */
    public static String conversation(User creator, User... others) {
        long[] ids = new long[others.length];
        for (int i = 0; i < others.length; i++) {
            ids[i] = others[i].id();
        }
        return creator.api().contentType(ContentType.JSON).body(Map.of("participant_ids", ids))
                .when().post("/api/chat/conversations/")
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().path("data.id");
    }
}
