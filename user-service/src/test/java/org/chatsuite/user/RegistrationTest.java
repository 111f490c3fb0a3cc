package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class RegistrationTest {

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    @Test
    void registersLogsInAndReturnsTheUser() {
        String email = Accounts.uniqueEmail("Reg");
        var response = Accounts.register(with(Accounts.registration(email), "email", "  " + email.toUpperCase() + " "))
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("status", equalTo("success"))
                .body("data.id", notNullValue())
                .body("data.email", equalTo(email.toLowerCase()))
                .body("data.first_name", equalTo("Ada"))
                .body("data.last_name", equalTo("Lovelace"))
                .body("data.full_name", equalTo("Ada Lovelace"))
                .body("data", hasKey("last_seen"))
                .body("data.last_seen", nullValue())
                .body("data.date_joined", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .body("data", not(hasKey("password_hash")))
                .extract();
        String setCookie = response.header("Set-Cookie");
        assertThat(setCookie).startsWith("chat_access_token=").contains("HttpOnly").contains("SameSite=Lax")
                .contains("Path=/");
        // The cookie alone authenticates the new user.
        given().cookie("chat_access_token", response.cookie("chat_access_token"))
                .when().get("/api/users/profile/")
                .then().statusCode(200).body("data.email", equalTo(email.toLowerCase()));
    }

    @Test
    void reportsEveryFailingFieldAtOnce() {
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/users/register/")
                .then().statusCode(400)
                .body("status", equalTo("error"))
                .body("code", equalTo("validation_error"))
                .body("errors.email", hasItem("This field is required."))
                .body("errors.first_name", hasItem("This field is required."))
                .body("errors.last_name", hasItem("This field is required."))
                .body("errors.password", hasItem("This field is required."))
                .body("errors.password_confirm", hasItem("This field is required."));
    }

    @Test
    void wronglyTypedFieldsAreReportedFieldByField() {
        given().contentType(ContentType.JSON)
                .body("{\"email\": 123, \"password\": [], \"first_name\": {}, \"last_name\": true, \"password_confirm\": null}")
                .when().post("/api/users/register/")
                .then().statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors.email", equalTo(List.of("Must be a string.")))
                .body("errors.password", equalTo(List.of("Must be a string.")))
                .body("errors.first_name", equalTo(List.of("Must be a string.")))
                .body("errors.last_name", equalTo(List.of("Must be a string.")))
                .body("errors.password_confirm", equalTo(List.of("This field is required.")));
    }

    @Test
    void wrongTypesAreReportedWithTheOtherRuleFailures() {
        Map<String, Object> body = with(with(Accounts.registration("x@example.com"), "email", 42), "first_name", "A");
        Accounts.register(body).statusCode(400)
                .body("errors.email", equalTo(List.of("Must be a string.")))
                .body("errors.first_name", equalTo(List.of("Must be between 2 and 50 characters.")))
                .body("errors", not(hasKey("last_name")));
    }

    @Test
    void numbersAndBooleansAreNotTakenAsStrings() {
        // Read as text, each of these would pass every rule: a user named "true false" with password "1234567.5".
        Map<String, Object> body = with(with(with(with(Accounts.registration(Accounts.uniqueEmail("types")),
                "first_name", true), "last_name", false), "password", 1234567.5), "password_confirm", 1234567.5);
        Accounts.register(body).statusCode(400)
                .body("errors.first_name", equalTo(List.of("Must be a string.")))
                .body("errors.last_name", equalTo(List.of("Must be a string.")))
                .body("errors.password", equalTo(List.of("Must be a string.")))
                .body("errors.password_confirm", equalTo(List.of("Must be a string.")))
                .body("errors", not(hasKey("email")));
    }

    @Test
    void emptyBodyIsAValidationError() {
        given().contentType(ContentType.JSON).when().post("/api/users/register/")
                .then().statusCode(400).body("code", equalTo("validation_error")).body("errors", hasKey("email"));
    }

    @Test
    void rejectsInvalidEmails() {
        for (String bad : List.of("not-an-email", "a@b", "a b@c.de", "@example.com", "x@" + "d".repeat(250) + ".com",
                "nul\u0000@example.com")) {
            Accounts.register(with(Accounts.registration("x@example.com"), "email", bad))
                    .statusCode(400).body("errors.email", hasItem("Enter a valid email address."));
        }
    }

    @Test
    void nameRules() {
        Map<String, Object> base = Accounts.registration(Accounts.uniqueEmail("names"));
        Accounts.register(with(base, "first_name", "A")).statusCode(400)
                .body("errors.first_name", hasItem("Must be between 2 and 50 characters."));
        Accounts.register(with(base, "last_name", "L".repeat(51))).statusCode(400)
                .body("errors.last_name", hasItem("Must be between 2 and 50 characters."));
        Accounts.register(with(base, "first_name", "Ada1")).statusCode(400)
                .body("errors.first_name", hasItem("May contain only letters, spaces, hyphens and apostrophes."));
        Accounts.register(with(base, "last_name", "<b>Bold</b>")).statusCode(400)
                .body("errors.last_name", hasItem("May contain only letters, spaces, hyphens and apostrophes."));
        Accounts.register(with(base, "first_name", "   ")).statusCode(400)
                .body("errors.first_name", hasItem("This field is required."));
        // " A " trims to one character
        Accounts.register(with(base, "first_name", " A ")).statusCode(400)
                .body("errors.first_name", hasItem("Must be between 2 and 50 characters."));
    }

    @Test
    void namesInAnyScriptAreAcceptedAndTrimmed() {
        String email = Accounts.uniqueEmail("script");
        Map<String, Object> body = with(with(Accounts.registration(email), "first_name", "  Анна-Мария "),
                "last_name", "O'Brien 李 علي");
        Accounts.register(body).statusCode(201)
                .body("data.first_name", equalTo("Анна-Мария"))
                .body("data.last_name", equalTo("O'Brien 李 علي"))
                .body("data.full_name", equalTo("Анна-Мария O'Brien 李 علي"));
        Accounts.register(with(with(Accounts.registration(Accounts.uniqueEmail("deva")), "first_name", "देवनागरी"),
                "last_name", "Ελληνικά")).statusCode(201).body("data.first_name", equalTo("देवनागरी"));
    }

    @Test
    void passwordRules() {
        String email = Accounts.uniqueEmail("pw");
        Map<String, Object> base = Accounts.registration(email);
        Accounts.register(with(with(base, "password", "short1"), "password_confirm", "short1")).statusCode(400)
                .body("errors.password", hasItem("Must be at least 8 characters."));
        String tooLong = "p".repeat(129);
        Accounts.register(with(with(base, "password", tooLong), "password_confirm", tooLong)).statusCode(400)
                .body("errors.password", hasItem("Must be at most 128 characters."));
        Accounts.register(with(with(base, "password", "1234567890"), "password_confirm", "1234567890")).statusCode(400)
                .body("errors.password", hasItem("Must not be entirely numeric."));
        Accounts.register(with(with(base, "password", email.toUpperCase()), "password_confirm", email.toUpperCase()))
                .statusCode(400).body("errors.password", hasItem("Must not be the same as the email address."));
        Accounts.register(with(base, "password_confirm", "something else")).statusCode(400)
                .body("errors.password_confirm", hasItem("Passwords do not match."))
                .body("errors", not(hasKey("password")));
    }

    @Test
    void longAndUnusualPasswordsWork() {
        String email = Accounts.uniqueEmail("longpw");
        // 128 characters, far beyond bcrypt's 72 bytes, with SQL and HTML in it.
        String password = ("'; DROP TABLE users; -- <script>alert(1)</script> ünïcødé ").repeat(3).substring(0, 128);
        Accounts.register(with(with(Accounts.registration(email), "password", password), "password_confirm", password))
                .statusCode(201);
        Accounts.login(email, password);
        // Only the first 72 bytes equal is not enough.
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password.substring(0, 127) + "X"))
                .when().post("/api/users/login/").then().statusCode(401);
    }

    @Test
    void duplicateEmailIsRejectedCaseInsensitively() {
        String email = Accounts.uniqueEmail("dup");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        Accounts.register(Accounts.registration(email.toUpperCase())).statusCode(400)
                .body("code", equalTo("validation_error"))
                .body("errors.email", hasItem(containsString("already exists")));
    }

    @Test
    void concurrentRegistrationsOfOneAddressCreateExactlyOneUser() throws Exception {
        String email = Accounts.uniqueEmail("race");
        int attempts = 10;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                Callable<Integer> call = () -> {
                    start.await();
                    return Accounts.register(Accounts.registration(email)).extract().statusCode();
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertThat(statuses).containsOnly(201, 400);
            assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
