package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.chatsuite.testsupport.EmbeddedStores;
import org.chatsuite.testsupport.WsClient;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Redis crashes and comes back while chat-service is busy: chat-service recovers by itself, with
 * nothing restarted, within 10 s of Redis' return.
 */
@QuarkusTest
class RedisRecoveryTest {

    private static final Logger LOG = Logger.getLogger(RedisRecoveryTest.class);
    private static final int CONVERSATIONS = 20;
    /** REST requests of one burst; with one WebSocket message per socket, over 200 operations at once. */
    private static final int REST_PER_BURST = 400;
    private static final Pattern POOL_GAUGE = Pattern.compile("^(redis_pool_\\w+)\\{([^}]*)} (\\S+)$");

    /** Health and metrics are on the management interface, a port of its own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void recoversByItselfAfterRedisCrashesUnderLoad() throws Exception {
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
                sockets.add(open(bob, c));
            }
            Map<String, Double> activeBefore = connectionsInUse();
            for (int round = 1; round <= 3; round++) {
                try (Load load = new Load(ada, conversations, sockets)) {
                    Thread.sleep(1000);
                    EmbeddedStores.killRedis();
                    Thread.sleep(1500);
                    EmbeddedStores.restartRedis();
                    long back = System.nanoTime();
                    Thread.sleep(2000); // the burst goes on against the fresh Redis
                    load.close();
                    LOG.infof("round %d: %d operations succeeded, %d failed", round, load.succeeded.get(), load.failed.get());
                    awaitRecovered(ada, conversations.get(round), sockets.get(2 * round + 1), round, activeBefore,
                            Duration.ofSeconds(10).minusNanos(System.nanoTime() - back));
                }
            }
        } finally {
            sockets.forEach(WsClient::close);
        }
    }

    /**
     * Readiness UP; the pool gauges back to normal: nothing waiting, no pool lending more than it has,
     * and as many connections in use as before the crash (a connection given up but never closed
     * would stay counted); and a new message stored, read back and delivered live.
     */
    private void awaitRecovered(Users.User ada, String conversation, WsClient bobsSocket, int round,
            Map<String, Double> activeBefore, Duration within) {
        Awaitility.await("round " + round + ": readiness and the Redis pools back to normal").atMost(within)
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    RestAssured.given().port(management.getPort()).when().get("/q/health/ready").then().statusCode(200);
                    List<String[]> gauges = poolGauges();
                    assertThat(gauges).extracting(g -> g[0]).contains("redis_pool_queue_size", "redis_pool_idle");
                    for (String[] gauge : gauges) {
                        double value = Double.parseDouble(gauge[2]);
                        switch (gauge[0]) {
                            case "redis_pool_queue_size" -> assertThat(value).as("%s{%s}", gauge[0], gauge[1]).isZero();
                            case "redis_pool_idle" -> assertThat(value).as("%s{%s}", gauge[0], gauge[1]).isNotNegative();
                            case "redis_pool_active" -> assertThat(value).as("%s{%s}", gauge[0], gauge[1])
                                    .isEqualTo(activeBefore.getOrDefault(gauge[1], value));
                            default -> {
                            }
                        }
                    }
                });
        String marker = "after round " + round + " " + UUID.randomUUID();
        ada.api().contentType(ContentType.JSON).body(Map.of("content", marker))
                .when().post("/api/chat/conversations/" + conversation + "/messages/")
                .then().statusCode(201);
        ada.api().when().get("/api/chat/conversations/" + conversation + "/messages/?limit=1")
                .then().statusCode(200).body("data.messages[0].content", org.hamcrest.Matchers.equalTo(marker));
        assertThat(nextMessageWith(bobsSocket, marker)).isNotNull();
    }

    private static JsonNode nextMessageWith(WsClient socket, String content) {
        while (true) {
            JsonNode message = socket.nextOfType("message").path("message");
            if (content.equals(message.path("content").asText())) {
                return message;
            }
        }
    }

    /**
     * {@code redis_pool_active} of each pool while nothing else runs: the lowest of a few readings,
     * since a periodic presence renewal may hold a connection for a moment.
     */
    private Map<String, Double> connectionsInUse() throws InterruptedException {
        Map<String, Double> lowest = new java.util.HashMap<>();
        for (int i = 0; i < 5; i++) {
            for (String[] gauge : poolGauges()) {
                if (gauge[0].equals("redis_pool_active")) {
                    lowest.merge(gauge[1], Double.parseDouble(gauge[2]), Math::min);
                }
            }
            Thread.sleep(100);
        }
        return lowest;
    }

    /** Every {@code redis_pool_*} series of /q/metrics as {name, labels, value}. */
    private List<String[]> poolGauges() {
        String metrics = RestAssured.given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String[]> gauges = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            Matcher m = POOL_GAUGE.matcher(line);
            if (m.matches()) {
                gauges.add(new String[] { m.group(1), m.group(2), m.group(3) });
            }
        }
        return gauges;
    }

    private static WsClient open(Users.User user, String conversation) {
        WsClient socket = WsClient.connect("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + conversation, user.token());
        assertThat(socket.next().path("type").asText()).isEqualTo("connection_established");
        return socket;
    }

    /**
     * Bursts of REST history reads and sends plus one WebSocket message per socket, all started at
     * once; the next burst starts when the previous one has finished. Failures while Redis is down
     * are expected and only counted.
     */
    private final class Load implements AutoCloseable {

        private final Thread feeder;
        private volatile boolean running = true;
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        Load(Users.User user, List<String> conversations, List<WsClient> sockets) {
            feeder = new Thread(() -> {
                int burst = 0;
                while (running) {
                    List<CompletableFuture<?>> inFlight = new ArrayList<>();
                    for (int i = 0; i < REST_PER_BURST; i++) {
                        String c = conversations.get(i % conversations.size());
                        inFlight.add(http.sendAsync(i % 2 == 0 ? history(user, c) : send(user, c, "burst " + burst),
                                HttpResponse.BodyHandlers.discarding())
                                .whenComplete((response, e) -> count(e == null && response.statusCode() < 300)));
                    }
                    for (WsClient socket : sockets) {
                        inFlight.add(CompletableFuture.runAsync(
                                () -> socket.send(Map.of("type", "message", "content", "socket burst")))
                                .whenComplete((ok, e) -> count(e == null)));
                    }
                    try {
                        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                                .exceptionally(e -> null).get(30, TimeUnit.SECONDS);
                        Thread.sleep(50);
                    } catch (Exception e) {
                        return;
                    }
                    burst++;
                }
            }, "redis-recovery-load");
            feeder.start();
        }

        private void count(boolean ok) {
            (ok ? succeeded : failed).incrementAndGet();
        }

        private HttpRequest history(Users.User user, String conversation) {
            return HttpRequest.newBuilder(uri("/api/chat/conversations/" + conversation + "/messages/?limit=20"))
                    .header("Authorization", user.bearer()).timeout(Duration.ofSeconds(30)).GET().build();
        }

        private HttpRequest send(Users.User user, String conversation, String content) {
            return HttpRequest.newBuilder(uri("/api/chat/conversations/" + conversation + "/messages/"))
                    .header("Authorization", user.bearer()).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}")).build();
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + RestAssured.port + path);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            feeder.join(TimeUnit.SECONDS.toMillis(40));
        }
    }
}
