package org.chatsuite.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.EmbeddedStores;
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
            // Down for longer than wedged-after: the witness cannot reach Redis either, so no restart is asked for.
            Thread.sleep(wedgedAfter.plusSeconds(3).toMillis());
            management().when().get("/q/health/live").then().statusCode(200)
                    .body("checks.name", hasItem("Redis client"));
        } finally {
            EmbeddedStores.restartRedis();
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
