package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.chatsuite.testsupport.TestKeys;
import org.chatsuite.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;

@QuarkusTest
class TokenTest {

    private static void refused(String token) {
        given().header("Authorization", "Bearer " + token).when().get("/api/users/profile/")
                .then().statusCode(401)
                .body("status", equalTo("error"))
                .body("code", equalTo("token_invalid"));
    }

    private static Map<String, Object> refresh(String refreshToken, int expectedStatus) {
        return given().contentType(ContentType.JSON).body(Map.of("refresh_token", refreshToken))
                .when().post("/api/users/token/refresh/")
                .then().statusCode(expectedStatus).extract().jsonPath().getMap("$");
    }

    @Test
    void badTokensAreRefused() {
        Accounts.Session session = Accounts.newSession("badtokens");
        refused(TestTokens.expired(session.userId(), session.email()));
        refused(TestTokens.tampered(session.userId(), session.email()));
        refused(TestTokens.wrongIssuer(session.userId(), session.email()));
        refused(TestTokens.wrongKey(session.userId(), session.email()));
        refused(TestTokens.algNone(session.userId(), session.email()));
        refused("not.a.jwt");
        // The same claims, correctly signed, are accepted: the refusals above are about the defect alone.
        given().header("Authorization", "Bearer " + TestTokens.valid(session.userId(), session.email()))
                .when().get("/api/users/profile/").then().statusCode(200);
    }

    @Test
    void missingTokenIs401() {
        given().when().get("/api/users/profile/").then().statusCode(401).body("code", equalTo("not_authenticated"));
        given().when().post("/api/users/logout/").then().statusCode(401);
    }

    @Test
    void headerWinsOverCookie() {
        Accounts.Session a = Accounts.newSession("hdr");
        Accounts.Session b = Accounts.newSession("cookie");
        given().header("Authorization", a.bearer()).cookie("chat_access_token", b.accessToken())
                .when().get("/api/users/profile/").then().statusCode(200).body("data.id", equalTo((int) a.userId()));
        given().cookie("chat_access_token", b.accessToken())
                .when().get("/api/users/profile/").then().statusCode(200).body("data.id", equalTo((int) b.userId()));
    }

    @Test
    void jwksPublishesTheKeyThatSignsTokens() throws Exception {
        Accounts.Session session = Accounts.newSession("jwks");
        var jwks = given().when().get("/.well-known/jwks.json")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].use", equalTo("sig"))
                .body("keys[0]", not(org.hamcrest.Matchers.hasKey("d")))
                .extract().jsonPath();
        String kid = jwks.getString("keys[0].kid");
        String header = new String(Base64.getUrlDecoder().decode(session.accessToken().split("\\.")[0]));
        assertThat(header).contains("\"kid\":\"" + kid + "\"").contains("RS256");

        PublicKey published = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(jwks.getString("keys[0].n"))),
                new BigInteger(1, Base64.getUrlDecoder().decode(jwks.getString("keys[0].e")))));
        assertThat(published).isEqualTo(TestKeys.current().publicKey());

        JWTAuthContextInfo verify = new JWTAuthContextInfo(published, TestTokens.ISSUER);
        verify.setExpectedAudience(java.util.Set.of("chat"));
        var jwt = new DefaultJWTParser(verify).parse(session.accessToken());
        assertThat(jwt.getSubject()).isEqualTo(String.valueOf(session.userId()));
        assertThat(jwt.getGroups()).containsExactly("user");
        assertThat(jwt.<String>getClaim("name")).isEqualTo("Ada Lovelace");
        assertThat(jwt.<String>getClaim("email")).isEqualTo(session.email());
        assertThat(jwt.getName()).isEqualTo(session.email());
        assertThat(jwt.getTokenID()).isNotBlank();
        assertThat(jwt.getExpirationTime() - jwt.getIssuedAtTime()).isEqualTo(900);
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily() {
        Accounts.Session session = Accounts.newSession("refresh");
        Map<String, Object> first = refresh(session.refreshToken(), 200);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) first.get("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> tokens = (Map<String, Object>) data.get("tokens");
        assertThat(data.get("email")).isEqualTo(session.email());
        String newRefresh = (String) tokens.get("refresh_token");
        String newAccess = (String) tokens.get("access_token");
        assertThat(newRefresh).isNotEqualTo(session.refreshToken());
        given().header("Authorization", "Bearer " + newAccess).when().get("/api/users/profile/").then().statusCode(200);

        // The old refresh token was rotated: presenting it again is reuse.
        Map<String, Object> reuse = refresh(session.refreshToken(), 401);
        assertThat(reuse.get("code")).isEqualTo("token_reused");
        // ... which revoked the whole family: the newest refresh token and the access tokens too.
        refresh(newRefresh, 401);
        refused(newAccess);
        refused(session.accessToken());
        // A fresh login still works.
        Accounts.login(session.email(), Accounts.PASSWORD);
    }

    @Test
    void refreshValidation() {
        given().contentType(ContentType.JSON).body("{}").when().post("/api/users/token/refresh/")
                .then().statusCode(400).body("errors.refresh_token", hasItem("This field is required."));
        for (String token : List.of("42", "[\"x\"]", "{}", "true")) {
            given().contentType(ContentType.JSON).body("{\"refresh_token\": " + token + "}").when().post("/api/users/token/refresh/")
                    .then().statusCode(400)
                    .body("code", equalTo("validation_error"))
                    .body("errors.refresh_token", equalTo(List.of("Must be a string.")));
        }
        assertThat(refresh("made-up-token", 401).get("code")).isEqualTo("token_invalid");
    }

    @Test
    void logoutRevokesAccessAndRefreshTokensAndClearsTheCookie() {
        Accounts.Session session = Accounts.newSession("logout");
        Accounts.Session otherSession = Accounts.login(session.email(), Accounts.PASSWORD);
        var response = given().header("Authorization", session.bearer()).when().post("/api/users/logout/")
                .then().statusCode(200).body("status", equalTo("success")).extract();
        assertThat(response.header("Set-Cookie")).startsWith("chat_access_token=;").contains("Max-Age=0");
        refused(session.accessToken());
        given().cookie("chat_access_token", session.accessToken()).when().get("/api/users/profile/")
                .then().statusCode(401);
        assertThat(refresh(session.refreshToken(), 401).get("code")).isEqualTo("token_revoked");
        // Logout ends one session, not the user's other ones.
        given().header("Authorization", otherSession.bearer()).when().get("/api/users/profile/").then().statusCode(200);
        refresh(otherSession.refreshToken(), 200);
    }

    @Test
    void logoutWithTheCookie() {
        Accounts.Session session = Accounts.newSession("cookielogout");
        given().cookie("chat_access_token", session.accessToken()).when().post("/api/users/logout/")
                .then().statusCode(200);
        refused(session.accessToken());
    }
}
