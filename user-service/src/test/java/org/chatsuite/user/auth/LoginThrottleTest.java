package org.chatsuite.user.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.chatsuite.user.Accounts;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The login throttle: 10 failures per email and client IP in 15 minutes; past 20 failures of an email
 * from every IP, a wait that doubles with each failure (3 s at first in tests, so that no assertion
 * depends on a request taking less than a second), at most 15 minutes. Clients are told apart by
 * X-Forwarded-For, which the tests' loopback peer is trusted to set.
 */
@QuarkusTest
class LoginThrottleTest {

    private static final String WRONG = "not the password";

    @Inject
    RedisDataSource redis;

    private static ExtractableResponse<Response> login(String email, String password, String clientIp) {
        return given().header("X-Forwarded-For", clientIp).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password))
                .when().post("/api/users/login/").then().extract();
    }

    private static String owner(String prefix) {
        String email = Accounts.uniqueEmail(prefix);
        Accounts.register(Accounts.registration(email)).statusCode(201);
        return email;
    }

    private static void assertThrottled(ExtractableResponse<Response> response, long minSeconds, long maxSeconds) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(429);
        assertThat(response.<String>path("status")).isEqualTo("error");
        assertThat(response.<String>path("code")).isEqualTo("throttled");
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(minSeconds, maxSeconds);
        assertThat(response.<String>path("message"))
                .isEqualTo("Request was throttled. Expected available in " + retryAfter + " seconds.");
    }

    @Test
    void theOwnerLogsInFromAnotherIpWhileAnAttackerIsThrottled() {
        String email = owner("besieged");
        for (int i = 0; i < 10; i++) {
            assertThat(login(email, WRONG, "203.0.113.10").statusCode()).isEqualTo(401);
        }
        // The attacker's IP is refused even with the right password: its guesses are used up.
        assertThrottled(login(email, Accounts.PASSWORD, "203.0.113.10"), 1, 900);

        assertThat(login(email, Accounts.PASSWORD, "198.51.100.20").statusCode()).isEqualTo(200);
        // The owner's success clears the owner's IP only: the attacker stays throttled.
        assertThat(login(email, WRONG, "203.0.113.10").statusCode()).isEqualTo(429);
    }

    @Test
    void aSuccessClearsTheFailuresOfItsIp() {
        String email = owner("typo");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 9; i++) {
                assertThat(login(email, WRONG, "203.0.113.30").statusCode()).isEqualTo(401);
            }
            assertThat(login(email, Accounts.PASSWORD, "203.0.113.30").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void parallelGuessesFromOneIpPassOnlyAsOftenAsTheLimitAllows() throws Exception {
        String email = owner("parallel");
        String attacker = "203.0.113.40";
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Integer> statuses = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> guesses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                guesses.add(pool.submit(() -> {
                    start.await();
                    return login(email, WRONG, attacker).statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> guess : guesses) {
                statuses.add(guess.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(10);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(40);
        // Exactly the admitted guesses were recorded as failures, for the IP and for the email.
        List<String> keys = LoginThrottle.keys(email, attacker);
        assertThat(redis.value(String.class).get(keys.get(0))).isEqualTo("10");
        assertThat(redis.hash(String.class).hget(keys.get(1), "count")).isEqualTo("10");

        assertThat(login(email, Accounts.PASSWORD, "198.51.100.40").statusCode()).isEqualTo(200);
    }

    @Test
    void theEmailCeilingSlowsEveryNewIpButLocksNoOneOut() {
        String email = owner("ceiling");
        String home = "198.51.100.50";
        String newDevice = "198.51.100.51";
        String attacker = "203.0.113.60";
        assertThat(login(email, Accounts.PASSWORD, home).statusCode()).isEqualTo(200);
        // 20 failures from 4 IPs, none of them throttled on its own.
        for (int i = 0; i < 20; i++) {
            assertThat(login(email, WRONG, "203.0.113." + (50 + i % 4)).statusCode()).isEqualTo(401);
        }
        assertThrottled(login(email, WRONG, attacker), 1, 3);
        assertThrottled(login(email, Accounts.PASSWORD, newDevice), 1, 3);
        // An IP the owner logged in from before is not slowed.
        assertThat(login(email, Accounts.PASSWORD, home).statusCode()).isEqualTo(200);

        // After the wait the next guess is heard (refusals do not count), and its failure doubles the wait.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> login(email, WRONG, attacker).statusCode() == 401);
        assertThrottled(login(email, Accounts.PASSWORD, newDevice), 4, 6);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> login(email, Accounts.PASSWORD, newDevice).statusCode() == 200);
    }

    @Test
    void theEmailWaitIsCappedAndEnds() {
        String email = owner("capped");
        String emailKey = LoginThrottle.keys(email, "any").get(1);
        long now = Long.parseLong(redis.execute("TIME").get(0).toString()) * 1000;
        // A thousand failures would mean a wait of 2^980 seconds without the cap.
        redis.hash(String.class).hset(emailKey, Map.of("count", "1000", "last", String.valueOf(now)));
        assertThrottled(login(email, Accounts.PASSWORD, "198.51.100.60"), 890, 900);

        // Fifteen minutes after the latest failure the owner gets in.
        redis.hash(String.class).hset(emailKey, Map.of("last", String.valueOf(now - Duration.ofMinutes(15).toMillis() - 1000)));
        assertThat(login(email, Accounts.PASSWORD, "198.51.100.60").statusCode()).isEqualTo(200);
    }
}
