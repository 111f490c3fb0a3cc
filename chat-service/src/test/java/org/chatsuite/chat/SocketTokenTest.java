package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.chatsuite.testsupport.TestTokens;
import org.chatsuite.testsupport.WsClient;
import org.chatsuite.web.RevocationKeys;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * An open socket lives only as long as its access token: revoked (by logout or refresh-token reuse,
 * as user-service announces it) or expired, it is closed with 4401, unless the client sent a newer
 * token of the same user first.
 */
@QuarkusTest
class SocketTokenTest {

    private static final int UNAUTHORIZED = 4401;

    @Inject
    RedisDataSource redis;

    @Test
    void aRevokedSessionClosesItsSocketsAndNoOtherSessions() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada.token(), c); WsClient b = open(bob.token(), c)) {
            revoke(RevocationKeys.session(claim(ada.token(), "sid")), "sid:" + claim(ada.token(), "sid"));
            assertThat(a.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
            assertStillOpen(b);
        }
    }

    @Test
    void aRevokedTokenClosesOnlyTheSocketsOpenedWithIt() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String revoked = TestTokens.valid(ada.id(), ada.email());
        try (WsClient first = open(revoked, c); WsClient second = open(revoked, c); WsClient other = open(ada.token(), c)) {
            revoke(RevocationKeys.token(claim(revoked, "jti")), "jti:" + claim(revoked, "jti"));
            assertThat(first.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
            assertThat(second.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
            assertStillOpen(other);
        }
    }

    @Test
    void aRevocationAnnouncedWhileTheSubscriptionWasLostStillClosesTheSocket() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada.token(), c)) {
            // The key without its announcement (which nobody heard), then the subscription is cut:
            // re-subscribing checks the open sockets against the keys.
            redis.value(String.class).setex(RevocationKeys.session(claim(ada.token(), "sid")), 900, "1");
            redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
            assertThat(a.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
        }
    }

    @Test
    void aSocketIsClosedWhenItsTokenExpires() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(TestTokens.expiringAt(ada.id(), ada.email(), Instant.now().plusSeconds(3)), c)) {
            assertThat(a.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
        }
    }

    @Test
    void aNewerTokenKeepsTheSocketOpenPastTheOldExpiry() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        Instant oldExpiry = Instant.now().plusSeconds(3);
        try (WsClient a = open(TestTokens.expiringAt(ada.id(), ada.email(), oldExpiry), c)) {
            a.send(Map.of("type", "auth", "token", TestTokens.valid(ada.id(), ada.email())));
            JsonNode ok = a.next();
            assertThat(ok.path("type").asText()).isEqualTo("auth_ok");
            assertThat(Instant.parse(ok.path("expires_at").asText())).isAfter(oldExpiry);
            // Past the old expiry (and its second of JWT rounding), the socket still answers.
            assertThat(a.poll(Duration.between(Instant.now(), oldExpiry.plusSeconds(2)))).isNull();
            assertStillOpen(a);
        }
    }

    @Test
    void aTokenOfAnotherUserOrNoValidTokenIsRefusedAndChangesNothing() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient a = open(ada.token(), c)) {
            a.send(Map.of("type", "auth", "token", bob.token()));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_token");
            a.send(Map.of("type", "auth", "token", TestTokens.wrongKey(ada.id(), ada.email())));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_token");
            a.send(Map.of("type", "auth", "token", TestTokens.expired(ada.id(), ada.email())));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_token");
            a.send(Map.of("type", "auth", "token", 42));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_token");
            // Bob's token did not become the socket's: revoking Ada's session still closes it.
            revoke(RevocationKeys.session(claim(ada.token(), "sid")), "sid:" + claim(ada.token(), "sid"));
            assertThat(a.awaitCloseCode()).isEqualTo(UNAUTHORIZED);
        }
    }

    @Test
    void aRevokedTokenIsRefusedForReauthentication() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        String revoked = TestTokens.valid(ada.id(), ada.email());
        redis.value(String.class).setex(RevocationKeys.token(claim(revoked, "jti")), 900, "1");
        try (WsClient a = open(ada.token(), c)) {
            a.send(Map.of("type", "auth", "token", revoked));
            assertThat(a.next().path("code").asText()).isEqualTo("invalid_token");
            assertStillOpen(a);
        }
    }

    /** As user-service's Revocations does: the key, then the announcement. */
    private void revoke(String key, String announcement) {
        redis.value(String.class).setex(key, 900, "1");
        redis.pubsub(String.class).publish(RevocationKeys.CHANNEL, announcement);
    }

    private static void assertStillOpen(WsClient socket) {
        socket.send(Map.of("type", "ping"));
        assertThat(socket.nextOfType("pong")).isNotNull();
        assertThat(socket.isClosed()).isFalse();
    }

    private static WsClient open(String token, String conversation) {
        WsClient socket = WsClient.connect("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + conversation, token);
        assertThat(socket.next().path("type").asText()).isEqualTo("connection_established");
        return socket;
    }

    private static String claim(String token, String name) {
        try {
            JsonNode claims = new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8));
            return claims.path(name).asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
