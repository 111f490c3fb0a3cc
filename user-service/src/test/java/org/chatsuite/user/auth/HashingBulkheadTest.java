package org.chatsuite.user.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.chatsuite.user.Accounts;
import org.chatsuite.user.UserServiceConfig;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Password hashing runs in a bulkhead: with every slot busy and the queue full, a login is refused
 * at once as a retryable 503 (never a 500, never an unbounded wait), and routes that do not hash
 * still answer.
 */
@QuarkusTest
class HashingBulkheadTest {

    @Inject
    PasswordHasher hasher;

    @Inject
    UserServiceConfig config;

    @Test
    void aFullHashingQueueRefusesLoginsWhileProfilesStillAnswer() throws InterruptedException {
        Accounts.Session session = Accounts.newSession("bulkhead");
        int slots = config.password().hashingConcurrency().orElse(Runtime.getRuntime().availableProcessors());
        int queue = config.password().hashingQueue();

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(slots);
        List<Thread> holders = new ArrayList<>();
        List<Thread> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < slots; i++) {
                holders.add(started(() -> hasher.withinBulkhead(() -> {
                    running.countDown();
                    return release.await(1, TimeUnit.MINUTES);
                })));
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).as("every hashing slot taken").isTrue();
            for (int i = 0; i < queue; i++) {
                waiting.add(started(() -> hasher.withinBulkhead(() -> true)));
            }
            // A queued call parks inside the bulkhead until a slot frees up.
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING));

            ExtractableResponse<Response> refused = given().contentType(ContentType.JSON)
                    .body(Map.of("email", session.email(), "password", Accounts.PASSWORD))
                    .when().post("/api/users/login/").then().extract();
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.<String>path("status")).isEqualTo("error");
            assertThat(refused.<String>path("code")).isEqualTo("service_unavailable");

            given().header("Authorization", session.bearer()).when().get("/api/users/profile/")
                    .then().statusCode(200);
        } finally {
            release.countDown();
        }
        for (Thread t : holders) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (Thread t : waiting) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        // Once the queue drains, logins hash again.
        Accounts.login(session.email(), Accounts.PASSWORD);
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.start();
        return thread;
    }
}
