package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Presence leases are renewed in one pipelined batch per period, whatever the number of sockets:
 * the shared Redis pool lends one connection per renewal, not one per conversation (the test
 * profile renews every second, a third of its 3 s lease).
 */
@QuarkusTest
class PresenceRenewalTest {

    private static final int CONVERSATIONS = 30;
    private static final Pattern BORROWS =
            Pattern.compile("^redis_pool_completed_total\\{pool_name=\"<default>\",pool_type=\"redis\",?} (\\S+)$", Pattern.MULTILINE);

    /** Metrics are on the management interface, a port of its own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void renewalsOfManySocketsCostOneBorrowPerPeriodAndKeepEveryoneOnline() throws InterruptedException {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        Users.User cy = Users.create("Cy");
        List<String> conversations = new ArrayList<>();
        List<WsClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONVERSATIONS; i++) {
                String c = Users.conversation(ada, bob, cy); // a new group each time
                conversations.add(c);
                sockets.add(open(ada, c));
            }
            double before = borrows();
            Thread.sleep(3_000); // three renewal periods, with nothing else going on
            double lent = borrows() - before;
            // One per period for the renewals and one per second for the health probe; one call per
            // conversation would be 90.
            assertThat(lent).isLessThan(CONVERSATIONS);
            // The leases were renewed: past the 3 s lease, Ada is still online for Bob's new socket.
            try (WsClient bobs = open(bob, conversations.get(CONVERSATIONS - 1))) {
                JsonNode presence = bobs.nextOfType("presence");
                assertThat(presence.path("user_id").asLong()).isEqualTo(ada.id());
                assertThat(presence.path("online").asBoolean()).isTrue();
            }
        } finally {
            sockets.forEach(WsClient::close);
        }
    }

    private double borrows() {
        String metrics = RestAssured.given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = BORROWS.matcher(metrics);
        assertThat(m.find()).as("redis_pool_completed_total of the shared pool in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static WsClient open(Users.User user, String conversation) {
        WsClient socket = WsClient.connect("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + conversation, user.token());
        assertThat(socket.next().path("type").asText()).isEqualTo("connection_established");
        return socket;
    }
}
