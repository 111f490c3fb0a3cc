package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** The packaged gateway, twice, sharing one Redis: the anonymous limit (20/min) holds across both. */
@QuarkusIntegrationTest
class GatewayIT {

    @Test
    void throttlingIsSharedByTwoGatewayInstances() {
        try (ServiceProcess second = ServiceProcess.start("gateway-b", ServiceProcess.ownJar(), Map.of(
                "quarkus.redis.hosts", EmbeddedStores.redisUrl(),
                "chatsuite.upstreams.user-service", SuiteResource.userService().url(),
                "chatsuite.upstreams.chat-service", SuiteResource.chatService().url(),
                "quarkus.log.console.json.enabled", "false"))) {
            int[] ports = { RestAssured.port, second.port() };
            // GCRA refills one request every 3 s, so count what passes until the first 429: with
            // one shared budget that is 20 plus the refill; two separate budgets would pass 40.
            long start = System.nanoTime();
            int allowed = 0;
            int status = 200;
            while (status == 200 && allowed < 60) {
                ExtractableResponse<Response> r = given().port(ports[allowed % 2]).when().get("/api/chat/health/")
                        .then().extract();
                status = r.statusCode();
                if (status == 200) {
                    allowed++;
                } else {
                    assertThat(r.<String>path("code")).isEqualTo("throttled");
                    assertThat(r.header("Retry-After")).isNotNull();
                }
            }
            long refill = (System.nanoTime() - start) / 3_000_000_000L + 1;
            assertThat(status).isEqualTo(429);
            assertThat(allowed).isBetween(20, (int) (20 + refill));
        }
    }
}
