package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

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
    void bodiesThatAreNotJsonObjectsAreMalformed() {
        String bearer = Accounts.newSession("shape").bearer();
        for (String body : List.of("[1,2,3]", "[]", "[{\"email\":\"a@b.co\"}]", "\"x\"", "42", "true", "null")) {
            for (String path : List.of("/api/users/register/", "/api/users/login/", "/api/users/token/refresh/")) {
                given().contentType(ContentType.JSON).body(body)
                        .when().post(path)
                        .then().statusCode(400).body("code", equalTo("malformed_json")).body("errors", nullValue());
            }
            given().header("Authorization", bearer).contentType(ContentType.JSON).body(body)
                    .when().patch("/api/users/profile/")
                    .then().statusCode(400).body("code", equalTo("malformed_json")).body("errors", nullValue());
        }
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

    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/api/users/login/")
    URI login;

    /** A body of unknown length: sent chunked, with no Content-Length for the edge to check. */
    private static HttpResponse<String> postChunked(URI uri, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        return HTTP_1_1.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void chunkedBodyOver64KiBIs413() throws Exception {
        HttpResponse<String> response = postChunked(login,
                "{\"email\":\"" + "a".repeat(160 * 1024) + "\",\"password\":\"x\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        JsonPath body = JsonPath.from(response.body());
        assertThat(body.getString("status")).isEqualTo("error");
        assertThat(body.getString("code")).isEqualTo("payload_too_large");
        assertThat(body.getString("request_id")).isNotBlank();
    }

    @Test
    void chunkedBodyUnder64KiBIsRead() throws Exception {
        HttpResponse<String> response = postChunked(login, "{\"email\":\"" + "a".repeat(60 * 1024) + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonPath body = JsonPath.from(response.body());
        assertThat(body.getString("code")).isEqualTo("validation_error");
        assertThat(body.getList("errors.password")).containsExactly("This field is required.");
        assertThat(body.getMap("errors")).doesNotContainKey("email");
    }

    @Test
    void unknownRouteIs404InTheEnvelope() {
        given().when().get("/api/users/nope/nothing/here")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().when().get("/definitely-not-here")
                .then().statusCode(404).body("status", equalTo("error")).body("code", equalTo("not_found"));
    }

    /** The paths that are not {@code /{id}/}, with the methods each serves (a GET serves HEAD too). */
    private static final Map<String, Set<String>> FIXED_ROUTES = Map.of(
            "/api/users/register", Set.of("POST"),
            "/api/users/login", Set.of("POST"),
            "/api/users/logout", Set.of("POST"),
            "/api/users/token/refresh", Set.of("POST"),
            "/api/users/profile", Set.of("GET", "HEAD", "PATCH"),
            "/api/users/list", Set.of("GET", "HEAD"),
            "/api/users/batch", Set.of("GET", "HEAD"));

    @Test
    void fixedPathsAnswerEveryOtherMethodWith405AndAllow() {
        String bearer = Accounts.newSession("allow").bearer();
        FIXED_ROUTES.forEach((path, served) -> {
            for (String url : List.of(path, path + "/")) {
                for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")) {
                    if (served.contains(method)) {
                        continue;
                    }
                    // With a token too: GET /api/users/login/ used to reach the user-by-id route.
                    for (boolean withToken : List.of(false, true)) {
                        var request = withToken ? given().header("Authorization", bearer) : given();
                        var response = request.when().request(method, url)
                                .then().statusCode(405).extract();
                        assertThat(allowed(response.header("Allow"))).as(method + " " + url).isEqualTo(served);
                        if (!method.equals("HEAD")) {
                            assertThat(response.<String>path("status")).isEqualTo("error");
                            assertThat(response.<String>path("code")).as(method + " " + url).isEqualTo("method_not_allowed");
                            assertThat(response.<String>path("request_id")).isNotNull();
                        }
                    }
                }
            }
        });
    }

    @Test
    void userByIdAnswersOtherMethodsWith405AndAllow() {
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            String allow = given().when().request(method, "/api/users/5/")
                    .then().statusCode(405).body("code", equalTo("method_not_allowed")).extract().header("Allow");
            assertThat(allowed(allow)).isEqualTo(Set.of("GET", "HEAD"));
        }
    }

    @Test
    void pathsThatAreNotFixedRoutesAreStillBadUserIds() {
        String bearer = Accounts.newSession("badid").bearer();
        for (String notAnId : List.of("abc", "token", "LOGIN", "logins", "profile-x", "0")) {
            given().header("Authorization", bearer).when().get("/api/users/" + notAnId + "/")
                    .then().statusCode(400)
                    .body("code", equalTo("bad_parameter"))
                    .body("message", containsString("'" + notAnId + "'"));
        }
    }

    private static Set<String> allowed(String allowHeader) {
        assertThat(allowHeader).as("Allow header").isNotNull();
        return Set.of(allowHeader.split("\\s*,\\s*"));
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

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        given().port(management.getPort()).when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().port(management.getPort()).when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200);
        for (String path : new String[] { "/q/metrics", "/q/health", "/q/health/ready" }) {
            given().when().get(path).then().statusCode(404).body("code", equalTo("not_found"));
        }
    }

    @Test
    void errorEnvelopeHasNoValidationErrorsKeyUnlessValidation() {
        given().when().get("/api/users/profile/").then().statusCode(401).body("errors", nullValue());
    }
}
