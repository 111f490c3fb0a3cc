package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.TestTokens;
import org.chatsuite.testsupport.WsClient;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;

/**
 * Redis in /q/health (on the management interface): not ready while Redis cannot be reached, and
 * back by itself; not live only when the shared client is wedged while Redis itself answers (a restart of the pod then helps,
 * whereas restarting pods because Redis is down would not).
 */
@QuarkusTest
class RedisHealthTest {

    @Inject
    Redis redis;

    /** Health and metrics are on the management interface, a port of its own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @ConfigProperty(name = "quarkus.redis.max-pool-size")
    int poolSize;

    @ConfigProperty(name = "chatsuite.redis.wedged-after")
    Duration wedgedAfter;

    @Test
    void aWedgedClientFailsLivenessAndRecoversWithoutARestart() {
        // What a leak does: every connection of the shared pool borrowed and never given back.
        List<RedisConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < poolSize; i++) {
                held.add(redis.connect().await().atMost(Duration.ofSeconds(5)));
            }
            Awaitility.await().atMost(wedgedAfter.plusSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                management().when().get("/q/health/live").then().statusCode(503)
                        .body("checks.find { it.name == 'Redis client' }.status", equalTo("DOWN"));
                management().when().get("/q/health/ready").then().statusCode(503)
                        .body("checks.find { it.name == 'Redis' }.status", equalTo("DOWN"));
            });
        } finally {
            held.forEach(RedisConnection::closeAndForget);
        }
        awaitHealthy();
    }

    @Test
    void redisDownMeansNotReadyButStillLive() throws InterruptedException {
        EmbeddedStores.killRedis();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    management().when().get("/q/health/ready").then().statusCode(503)
                            .body("checks.find { it.name == 'Redis' }.status", equalTo("DOWN")));
            // Not ready: new sockets are refused with 503, so that the gateway opens them on another replica.
            assertThat(WsClient.handshakeStatus("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + UUID.randomUUID(),
                    b -> b.header("Authorization", "Bearer " + TestTokens.valid(1, "ada@example.com")))).isEqualTo(503);
            // Down for longer than wedged-after: the witness cannot reach Redis either, so no restart is asked
            // for; live must hold the whole time, not just at the end.
            Awaitility.await().during(wedgedAfter.plusSeconds(3)).atMost(wedgedAfter.plusSeconds(10))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                            management().when().get("/q/health/live").then().statusCode(200)
                                    .body("checks.name", hasItem("Redis client")));
        } finally {
            EmbeddedStores.restartRedis();
        }
        awaitHealthy();
    }

    @Test
    void aFrameThatNeedsRedisWhileItIsDownIsAnsweredServiceUnavailable() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient socket = WsClient.connect("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + c, ada.token())) {
            socket.nextOfType("connection_established");
            EmbeddedStores.killRedis();
            try {
                socket.send(Map.of("type", "message", "content", "while Redis is down", "client_id", "down-1"));
                // Retryable, not a bug: the client re-sends it with the same client_id once Redis is back. (If
                // the socket was still being opened, that fails the same way and the socket closes with 1013.)
                assertThat(socket.nextOfType("error").path("code").asText()).isEqualTo("service_unavailable");
            } finally {
                EmbeddedStores.restartRedis();
            }
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            management().when().get("/q/health/ready").then().statusCode(200);
            management().when().get("/q/health/live").then().statusCode(200);
        });
    }

    private RequestSpecification management() {
        return RestAssured.given().port(management.getPort());
    }
}
