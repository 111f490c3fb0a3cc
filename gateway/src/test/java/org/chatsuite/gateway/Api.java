package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Users and conversations created through the gateway, as a client would. */
final class Api {

    private Api() {
    }

    record User(long id, String email, String token) {
        RequestSpecification api() {
            return given().header("Authorization", "Bearer " + token);
        }
    }

    static User newUser(String firstName) {
        String email = firstName.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "gateway password 1";
        given().contentType(ContentType.JSON).body(Map.of("email", email, "first_name", firstName, "last_name", "Tester",
                "password", password, "password_confirm", password))
                .when().post("/api/users/register/").then().statusCode(201);
        var login = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/").then().statusCode(200).extract().jsonPath();
        return new User(login.getLong("data.id"), email, login.getString("data.tokens.access_token"));
    }

    static String conversation(User creator, User other) {
        return creator.api().contentType(ContentType.JSON).body(Map.of("participant_ids", List.of(other.id())))
                .when().post("/api/chat/conversations/").then().statusCode(201).extract().path("data.id");
    }
}
