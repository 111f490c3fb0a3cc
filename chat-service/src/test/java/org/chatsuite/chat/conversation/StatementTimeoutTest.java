package org.chatsuite.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.chatsuite.chat.Users;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A statement that runs into the configured statement_timeout fails the request with 503, and the service goes on. */
@QuarkusTest
class StatementTimeoutTest {

    @Inject
    DataSource dataSource;

    @Test
    void everyConnectionHasTheStatementTimeout() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW statement_timeout")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("5s");
        }
    }

    @Test
    void aStatementBlockedPastTheTimeoutIsA503() throws Exception {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.conversation(ada, bob);
        // Another session holds the participants table, so the listing's query waits until PostgreSQL cancels it.
        try (Connection blocker = dataSource.getConnection(); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE participants IN ACCESS EXCLUSIVE MODE");
            ada.api().when().get("/api/chat/conversations/").then().statusCode(503)
                    .body("status", equalTo("error"))
                    .body("code", equalTo("service_unavailable"));
            blocker.rollback();
        }
        ada.api().when().get("/api/chat/conversations/").then().statusCode(200).body("meta.total", equalTo(1));
    }
}
