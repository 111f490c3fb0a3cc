package org.chatsuite.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Logout racing a refresh of the same session: afterwards nothing of the session may work. */
@QuarkusTest
class LogoutRaceTest {

    private static final int PAIRS = 100;

    @Inject
    AgroalDataSource database;

    private static ExtractableResponse<Response> refresh(String refreshToken) {
        return given().contentType(ContentType.JSON).body(Map.of("refresh_token", refreshToken))
                .when().post("/api/users/token/refresh/").then().extract();
    }

    private record Race(Accounts.Session session, ExtractableResponse<Response> refresh, int logoutStatus) {
    }

    @Test
    void logoutRacingRefreshLeavesNoUsableToken() throws Exception {
        String email = Accounts.uniqueEmail("race");
        Accounts.register(Accounts.registration(email)).statusCode(201);
        List<Accounts.Session> sessions = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            sessions.add(Accounts.login(email, Accounts.PASSWORD));
        }

        List<Race> races = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ExtractableResponse<Response>>> refreshes = new ArrayList<>();
            List<Future<Integer>> logouts = new ArrayList<>();
            for (Accounts.Session session : sessions) {
                // Both requests of a pair leave together; the pool runs 8 pairs at a time.
                CyclicBarrier start = new CyclicBarrier(2);
                refreshes.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return refresh(session.refreshToken());
                }));
                logouts.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return given().header("Authorization", session.bearer()).when().post("/api/users/logout/")
                            .then().extract().statusCode();
                }));
            }
            for (int i = 0; i < PAIRS; i++) {
                races.add(new Race(sessions.get(i), refreshes.get(i).get(60, TimeUnit.SECONDS),
                        logouts.get(i).get(60, TimeUnit.SECONDS)));
            }
        } finally {
            pool.shutdownNow();
        }

        for (Race race : races) {
            assertThat(race.logoutStatus()).isEqualTo(200);
            assertThat(race.refresh().statusCode()).as(race.refresh().asString()).isIn(200, 401);
            assertThat(refresh(race.session().refreshToken()).statusCode()).isEqualTo(401);
            if (race.refresh().statusCode() == 200) {
                // The refresh won the race: what it issued belongs to the ended session all the same.
                String issuedRefresh = race.refresh().path("data.tokens.refresh_token");
                String issuedAccess = race.refresh().path("data.tokens.access_token");
                ExtractableResponse<Response> reuse = refresh(issuedRefresh);
                assertThat(reuse.statusCode()).as(reuse.asString()).isEqualTo(401);
                given().header("Authorization", "Bearer " + issuedAccess).when().get("/api/users/profile/")
                        .then().statusCode(401);
            }
        }
    }

    /**
     * The unlucky order, made certain: a refresh has taken its locks and is about to store the new
     * token when the logout arrives. The test holds the user's row, which storing a token needs (its
     * foreign key), until the logout is waiting too.
     */
    @Test
    void aLogoutWaitingForARefreshEndsWhatTheRefreshIssues() throws Exception {
        Accounts.Session session = Accounts.newSession("waiting");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = database.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, session.userId());
                lock.executeQuery().close();
            }
            Future<ExtractableResponse<Response>> refresh = pool.submit(() -> refresh(session.refreshToken()));
            awaitRequestsWaitingForLocks(1);
            Future<Integer> logout = pool.submit(() -> given().header("Authorization", session.bearer())
                    .when().post("/api/users/logout/").then().extract().statusCode());
            awaitRequestsWaitingForLocks(2);
            holder.rollback();

            ExtractableResponse<Response> refreshed = refresh.get(30, TimeUnit.SECONDS);
            assertThat(refreshed.statusCode()).as(refreshed.asString()).isEqualTo(200);
            assertThat(logout.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            ExtractableResponse<Response> reuse = refresh(refreshed.path("data.tokens.refresh_token"));
            assertThat(reuse.statusCode()).as(reuse.asString()).isEqualTo(401);
            assertThat(reuse.<String>path("code")).isEqualTo("token_revoked");
            given().header("Authorization", "Bearer " + refreshed.path("data.tokens.access_token"))
                    .when().get("/api/users/profile/").then().statusCode(401);
        } finally {
            pool.shutdownNow();
        }
    }

    private void awaitRequestsWaitingForLocks(int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Connection c = database.getConnection();
                    PreparedStatement waiting = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                    ResultSet rows = waiting.executeQuery()) {
                rows.next();
                return rows.getInt(1) >= count;
            }
        });
    }
}
