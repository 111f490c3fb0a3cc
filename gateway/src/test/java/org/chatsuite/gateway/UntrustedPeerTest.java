package org.chatsuite.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A peer outside {@code quarkus.http.proxy.trusted-proxies} cannot pick its client IP with
 * {@code X-Forwarded-For}: every request it sends is throttled and logged by its real address,
 * whatever the header says.
 */
@QuarkusTest
@TestProfile(UntrustedPeerTest.IngressOnly.class)
class UntrustedPeerTest {

    private static final int PER_MINUTE = 5;

    /** Trusts only a pod network (as the Kubernetes overlay does): the test client on 127.0.0.1 is not a proxy. */
    public static class IngressOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chatsuite.throttle.anonymous-per-minute", String.valueOf(PER_MINUTE),
                    "quarkus.http.proxy.trusted-proxies", "10.244.0.0/16");
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        long previousRemaining = Long.MAX_VALUE;
        // Believed, each forged address would have a full budget of its own and never be throttled.
        for (int i = 1; i <= 3 * PER_MINUTE; i++) {
            ExtractableResponse<Response> response = given().header("X-Forwarded-For", "203.0.113." + i)
                    .when().get("/api/chat/health/").then().extract();
            if (response.statusCode() == 429) {
                assertThat(response.<String>path("code")).isEqualTo("throttled");
                assertThat(i).isGreaterThan(1);
                return;
            }
            assertThat(response.statusCode()).isEqualTo(200);
            long remaining = Long.parseLong(response.header("X-RateLimit-Remaining"));
            // One budget shared by all of them: it shrinks with every request.
            assertThat(remaining).isLessThanOrEqualTo(Math.min(PER_MINUTE - 1, previousRemaining));
            previousRemaining = remaining;
        }
        throw new AssertionError("requests with " + 3 * PER_MINUTE + " different X-Forwarded-For values were never throttled");
    }

    @Test
    void theAccessLogNamesTheRealPeer() {
        try (LogCapture capture = LogCapture.of("org.chatsuite.access")) {
            List<String> lines = capture.lines();
            given().header("X-Request-Id", "untrusted-1").header("X-Forwarded-For", "6.6.6.6")
                    .when().get("/api/chat/health/").then().extract();
            Awaitility.await().until(() -> lines.stream().anyMatch(l -> l.contains("request_id=untrusted-1")));
            assertThat(lines.stream().filter(l -> l.contains("request_id=untrusted-1")).findFirst().orElseThrow())
                    .contains("ip=127.0.0.1").doesNotContain("6.6.6.6");
        }
    }
}
