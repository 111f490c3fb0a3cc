package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class AccountTest {

    private static Accounts.Session registerNamed(String first, String last) {
        String email = Accounts.uniqueEmail("acct");
        Map<String, Object> body = new HashMap<>(Accounts.registration(email));
        body.put("first_name", first);
        body.put("last_name", last);
        Accounts.register(body).statusCode(201);
        return Accounts.login(email, Accounts.PASSWORD);
    }

    @Test
    void profileGetAndPatch() {
        Accounts.Session me = Accounts.newSession("profile");
        given().header("Authorization", me.bearer()).when().get("/api/users/profile/")
                .then().statusCode(200).body("data.id", equalTo((int) me.userId())).body("data.email", equalTo(me.email()));
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON)
                .body(Map.of("first_name", "  Grace ", "last_name", "Hopper"))
                .when().patch("/api/users/profile/")
                .then().statusCode(200)
                .body("data.first_name", equalTo("Grace"))
                .body("data.full_name", equalTo("Grace Hopper"));
        // Only the given fields change.
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON).body(Map.of("last_name", "Brewster"))
                .when().patch("/api/users/profile").then().statusCode(200).body("data.full_name", equalTo("Grace Brewster"));
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON)
                .body(Map.of("first_name", "X", "last_name", "B4d"))
                .when().patch("/api/users/profile/")
                .then().statusCode(400)
                .body("errors.first_name", hasItem("Must be between 2 and 50 characters."))
                .body("errors.last_name", hasItem("May contain only letters, spaces, hyphens and apostrophes."));
        given().header("Authorization", me.bearer()).when().get("/api/users/profile/")
                .then().body("data.full_name", equalTo("Grace Brewster"));
        given().contentType(ContentType.JSON).body(Map.of("first_name", "Nobody"))
                .when().patch("/api/users/profile/").then().statusCode(401);
    }

    @Test
    void profilePatchReportsWronglyTypedNames() {
        Accounts.Session me = Accounts.newSession("typedprofile");
        // Read as text, true would be the valid first name "true".
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON).body("{\"first_name\": true}")
                .when().patch("/api/users/profile/")
                .then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors.first_name", equalTo(List.of("Must be a string.")));
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON)
                .body("{\"first_name\": {}, \"last_name\": \"X\"}")
                .when().patch("/api/users/profile/")
                .then().statusCode(400)
                .body("errors.first_name", equalTo(List.of("Must be a string.")))
                .body("errors.last_name", equalTo(List.of("Must be between 2 and 50 characters.")));
        given().header("Authorization", me.bearer()).contentType(ContentType.JSON).body("{\"last_name\": 42}")
                .when().patch("/api/users/profile/")
                .then().statusCode(400).body("errors.last_name", equalTo(List.of("Must be a string.")));
        given().header("Authorization", me.bearer()).when().get("/api/users/profile/")
                .then().body("data.full_name", equalTo("Ada Lovelace"));
    }

    @Test
    void profilePatchWithoutFieldsChangesNothing() {
        Accounts.Session me = Accounts.newSession("emptypatch");
        for (String body : List.of("{}", "{\"first_name\": null}", "")) {
            given().header("Authorization", me.bearer()).contentType(ContentType.JSON).body(body)
                    .when().patch("/api/users/profile/")
                    .then().statusCode(200).body("data.full_name", equalTo("Ada Lovelace"));
        }
    }

    @Test
    void listExcludesTheCallerNewestFirstWithPaging() {
        // Six random letters (names accept letters only); a UUID's hex letters were sometimes fewer than six.
        String tag = "Zq" + java.util.concurrent.ThreadLocalRandom.current().ints(6, 'a', 'z' + 1)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
        List<Accounts.Session> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(registerNamed(tag, "Member"));
        }
        Accounts.Session me = created.get(0);
        var page = given().header("Authorization", me.bearer()).queryParam("q", tag.toLowerCase())
                .when().get("/api/users/list/")
                .then().statusCode(200)
                .body("data", hasSize(2))
                .body("meta.total", equalTo(2))
                .body("meta.limit", equalTo(100))
                .body("meta.offset", equalTo(0))
                .extract().jsonPath();
        assertThat(page.getList("data.id", Integer.class))
                .containsExactly((int) created.get(2).userId(), (int) created.get(1).userId());

        given().header("Authorization", me.bearer()).queryParam("q", tag).queryParam("limit", 1).queryParam("offset", 1)
                .when().get("/api/users/list/")
                .then().statusCode(200)
                .body("data.id", equalTo(List.of((int) created.get(1).userId())))
                .body("meta.total", equalTo(2))
                .body("meta.limit", equalTo(1));
        // limit above the maximum is clamped to 100
        given().header("Authorization", me.bearer()).queryParam("limit", 1000)
                .when().get("/api/users/list/").then().statusCode(200).body("meta.limit", equalTo(100));
    }

    @Test
    void listSearchTreatsWildcardsAndQuotesLiterally() {
        Accounts.Session me = Accounts.newSession("search");
        registerNamed("Dara", "O'Connell");
        for (String q : List.of("%", "_", "' OR '1'='1", "\\")) {
            var body = given().header("Authorization", me.bearer()).queryParam("q", q)
                    .when().get("/api/users/list/").then().statusCode(200).extract().jsonPath();
            for (Object name : body.getList("data.full_name")) {
                assertThat((String) name).contains(q);
            }
        }
        given().header("Authorization", me.bearer()).queryParam("q", "o'conn")
                .when().get("/api/users/list/").then().statusCode(200).body("data.last_name", hasItem("O'Connell"));
    }

    @Test
    void listRejectsBadParameters() {
        Accounts.Session me = Accounts.newSession("badparams");
        given().header("Authorization", me.bearer()).queryParam("q", "nul\u0000byte").when().get("/api/users/list/")
                .then().statusCode(400).body("code", equalTo("bad_parameter"));
        for (String bad : List.of("abc", "-1", "1.5")) {
            given().header("Authorization", me.bearer()).queryParam("limit", bad).when().get("/api/users/list/")
                    .then().statusCode(400).body("code", equalTo("bad_parameter"));
            given().header("Authorization", me.bearer()).queryParam("offset", bad).when().get("/api/users/list/")
                    .then().statusCode(400).body("code", equalTo("bad_parameter"));
        }
    }

    @Test
    void getById() {
        Accounts.Session me = Accounts.newSession("byid");
        Accounts.Session other = registerNamed("Other", "Person");
        given().header("Authorization", me.bearer()).when().get("/api/users/" + other.userId() + "/")
                .then().statusCode(200).body("data.full_name", equalTo("Other Person"))
                .body("data.email", equalTo(other.email()));
        given().header("Authorization", me.bearer()).when().get("/api/users/" + other.userId())
                .then().statusCode(200);
        given().header("Authorization", me.bearer()).when().get("/api/users/999999999/")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().header("Authorization", me.bearer()).when().get("/api/users/abc/")
                .then().statusCode(400).body("code", equalTo("bad_parameter"));
        given().when().get("/api/users/" + other.userId() + "/").then().statusCode(401);
    }

    @Test
    void batchReturnsTheUsersThatExist() {
        Accounts.Session me = Accounts.newSession("batch");
        Accounts.Session a = Accounts.newSession("batch-a");
        given().header("Authorization", me.bearer())
                .queryParam("ids", me.userId() + "," + a.userId() + ",999999999," + a.userId())
                .when().get("/api/users/batch/")
                .then().statusCode(200)
                .body("data.id", equalTo(List.of((int) me.userId(), (int) a.userId())));
        given().header("Authorization", me.bearer()).queryParam("ids", "1,x").when().get("/api/users/batch/")
                .then().statusCode(400).body("code", equalTo("bad_parameter"));
        given().header("Authorization", me.bearer()).when().get("/api/users/batch/")
                .then().statusCode(400).body("code", equalTo("bad_parameter"));
        StringBuilder tooMany = new StringBuilder();
        for (int i = 1; i <= 257; i++) {
            tooMany.append(i == 1 ? "" : ",").append(i);
        }
        given().header("Authorization", me.bearer()).queryParam("ids", tooMany.toString()).when().get("/api/users/batch/")
                .then().statusCode(400).body("message", equalTo("At most 256 ids per request"));
    }
}
