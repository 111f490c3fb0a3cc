package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.chatsuite.web.RevocationKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Logout and refresh-token reuse announce what they revoke, for sockets open with those tokens. */
@QuarkusTest
class RevocationAnnouncementTest {

    @Inject
    RedisDataSource redis;

    private final BlockingQueue<String> announced = new LinkedBlockingQueue<>();
    private PubSubCommands.RedisSubscriber subscriber;

    @BeforeEach
    void subscribe() {
        subscriber = redis.pubsub(String.class).subscribe(RevocationKeys.CHANNEL, announced::add);
    }

    @AfterEach
    void unsubscribe() {
        subscriber.unsubscribe();
    }

    @Test
    void logoutAnnouncesTheTokenAndItsSession() throws Exception {
        Accounts.Session session = Accounts.newSession("announce");
        given().header("Authorization", session.bearer()).when().post("/api/users/logout/").then().statusCode(200);
        JsonNode claims = claims(session.accessToken());
        assertThat(next()).isEqualTo("jti:" + claims.path("jti").asText());
        assertThat(next()).isEqualTo("sid:" + claims.path("sid").asText());
    }

    @Test
    void refreshTokenReuseAnnouncesTheSession() throws Exception {
        Accounts.Session session = Accounts.newSession("announcereuse");
        refresh(session.refreshToken(), 200);
        assertThat(announced).isEmpty();
        refresh(session.refreshToken(), 401); // reuse of the rotated token
        assertThat(next()).isEqualTo("sid:" + claims(session.accessToken()).path("sid").asText());
    }

    private String next() throws InterruptedException {
        String message = announced.poll(10, TimeUnit.SECONDS);
        assertThat(message).as("an announcement on " + RevocationKeys.CHANNEL).isNotNull();
        return message;
    }

    private static void refresh(String refreshToken, int status) {
        given().contentType(ContentType.JSON).body(Map.of("refresh_token", refreshToken))
                .when().post("/api/users/token/refresh/").then().statusCode(status);
    }

    private static JsonNode claims(String token) throws Exception {
        return new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }
}
