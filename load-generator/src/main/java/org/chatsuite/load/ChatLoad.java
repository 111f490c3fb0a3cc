package org.chatsuite.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.chatsuite.testsupport.ServiceProcess;
import org.chatsuite.testsupport.SuiteProcesses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Load generator for chat-service. Two modes:
 * <ul>
 * <li>{@code messages}: users in group conversations, one socket each, sending at a total target
 * rate; reports deliveries/s, end-to-end latency (send to receipt on every member socket, one clock),
 * losses, duplicates and reorders.</li>
 * <li>{@code connections}: opens N idle sockets and reports how long it took, failures and the
 * server's resident memory before and after.</li>
 * </ul>
 * With {@code --launch} it starts the stack itself (embedded PostgreSQL and Redis, the packaged
 * user-service and one chat-service replica); otherwise it targets {@code --chat-url}/{@code --users-url}.
 * Every run is bounded by {@code --duration} and stops by itself.
 */
public final class ChatLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String chatUrl;
    private String usersUrl;
    private ServiceProcess chatService;

    private ChatLoad(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("mode", "messages", "users", "20", "group-size", "5",
                "rate", "100", "duration", "20", "sockets", "1000", "concurrency", "50", "warmup", "0", "chat-url", "http://127.0.0.1:8082",
                "users-url", "http://127.0.0.1:8081"));
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            options.put(name, hasValue ? args[++i] : "true");
        }
        new ChatLoad(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        List<ServiceProcess> launched = new ArrayList<>();
        try {
            if (options.containsKey("launch")) {
                launch(launched);
            } else {
                chatUrl = options.get("chat-url");
                usersUrl = options.get("users-url");
            }
            if (options.get("mode").equals("connections")) {
                connections();
            } else {
                messages();
            }
        } finally {
            launched.forEach(ServiceProcess::stop);
        }
    }

    private void launch(List<ServiceProcess> launched) {
        Map<String, String> quiet = Map.of("quarkus.log.category.\"org.chatsuite.access\".level", "WARN");
        ServiceProcess userService = SuiteProcesses.userService("bench-user-service", quiet);
        launched.add(userService);
        chatService = SuiteProcesses.chatService("bench-chat-service", ServiceProcess.siblingJar("chat-service"),
                userService.url(), quiet);
        launched.add(chatService);
        usersUrl = userService.url();
        chatUrl = chatService.url();
    }

    // ---------------------------------------------------------------- messages

    private record User(long id, String token) {
    }

    private void messages() throws Exception {
        int userCount = intOption("users");
        int groupSize = intOption("group-size");
        double rate = Double.parseDouble(options.get("rate"));
        int warmup = intOption("warmup");
        int seconds = warmup + intOption("duration");
        List<User> users = registerUsers(userCount);
        Map<Integer, String> conversationOf = createGroups(users, groupSize);
        // Latency counts only messages sent after the warm-up (a cold JIT would dominate short runs).
        long[] measureFrom = { Long.MAX_VALUE };

        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(userCount + 10));
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong delivered = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong reorders = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        Map<String, AtomicLong> sentPerConversation = new ConcurrentHashMap<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Map<String, Long> lastSeqBySender = new ConcurrentHashMap<>();
            WebSocket socket = connect(client, conversationOf.get(i), users.get(i).token());
            socket.textMessageHandler(text -> {
                long now = System.nanoTime();
                JsonNode frame = parse(text);
                String type = frame.path("type").asText();
                if (type.equals("error")) {
                    errors.incrementAndGet();
                }
                if (!type.equals("message")) {
                    return;
                }
                String[] parts = frame.path("message").path("content").asText().split(";");
                String senderKey = parts[0];
                long seq = Long.parseLong(parts[1]);
                if (!seen.add(senderKey + ";" + seq)) {
                    duplicates.incrementAndGet();
                    return;
                }
                Long previous = lastSeqBySender.put(senderKey, seq);
                if (previous != null && seq < previous) {
                    reorders.incrementAndGet();
                }
                delivered.incrementAndGet();
                long sentAt = Long.parseLong(parts[2]);
                if (sentAt >= measureFrom[0]) {
                    latency.recordValue(Math.max(0, now - sentAt));
                }
            });
            sockets.add(socket);
        }

        long intervalMs = Math.max(1, Math.round(users.size() * 1000.0 / rate));
        long start = System.nanoTime();
        measureFrom[0] = start + TimeUnit.SECONDS.toNanos(warmup);
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(users.size());
        for (int i = 0; i < users.size(); i++) {
            int index = i;
            WebSocket socket = sockets.get(i);
            AtomicLong seq = new AtomicLong();
            String conversation = conversationOf.get(i);
            vertx.setPeriodic(intervalMs, timer -> {
                if (System.nanoTime() >= deadline) {
                    vertx.cancelTimer(timer);
                    done.countDown();
                    return;
                }
                String content = "u" + index + ";" + seq.incrementAndGet() + ";" + System.nanoTime();
                socket.writeTextMessage("{\"type\":\"message\",\"content\":\"" + content + "\"}");
                sent.incrementAndGet();
                sentPerConversation.computeIfAbsent(conversation, c -> new AtomicLong()).incrementAndGet();
            });
        }
        done.await(seconds + 10L, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000); // drain
        long expected = 0;
        for (var entry : sentPerConversation.entrySet()) {
            long members = conversationOf.values().stream().filter(entry.getKey()::equals).count();
            expected += entry.getValue().get() * members;
        }
        sockets.forEach(WebSocket::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        System.out.printf("%nchat-service messages benchmark%n");
        System.out.printf("users %d, group size %d, conversations %d, target rate %.0f msg/s, %d s (%d s warm-up)%n",
                userCount, groupSize, sentPerConversation.size(), rate, seconds, warmup);
        System.out.printf("sent            %d (%.1f msg/s)%n", sent.get(), sent.get() / sendSeconds);
        System.out.printf("deliveries      %d of %d expected (%.1f deliveries/s)%n", delivered.get(), expected,
                delivered.get() / sendSeconds);
        System.out.printf("lost            %d%n", Math.max(0, expected - delivered.get()));
        System.out.printf("duplicates      %d%n", duplicates.get());
        System.out.printf("reorders        %d%n", reorders.get());
        System.out.printf("error frames    %d%n", errors.get());
        System.out.printf("latency ms      (%d deliveries after warm-up)%n", latency.getTotalCount());
        System.out.printf("latency ms      p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", ms(latency.getValueAtPercentile(50)),
                ms(latency.getValueAtPercentile(90)), ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()));
        printServerMemory();
    }

    // ---------------------------------------------------------------- connections

    private void connections() throws Exception {
        int socketsWanted = intOption("sockets");
        int userCount = Math.min(intOption("users"), socketsWanted);
        int seconds = intOption("duration");
        List<User> users = registerUsers(userCount);
        Map<Integer, String> conversationOf = createGroups(users, Math.min(intOption("group-size"), userCount));
        printServerMemory();
        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(socketsWanted + 10).setConnectTimeout(10_000));
        Semaphore inFlight = new Semaphore(intOption("concurrency"));
        Histogram handshake = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
        List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        CountDownLatch all = new CountDownLatch(socketsWanted);
        for (int i = 0; i < socketsWanted; i++) {
            int u = i % users.size();
            inFlight.acquire();
            long begun = System.nanoTime();
            client.connect(connectOptions(conversationOf.get(u), users.get(u).token())).onComplete(ar -> {
                handshake.recordValue(System.nanoTime() - begun);
                if (ar.succeeded()) {
                    open.add(ar.result());
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
                all.countDown();
            });
        }
        all.await(seconds + 60L, TimeUnit.SECONDS);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(Math.min(seconds, 10) * 1000L);
        System.out.printf("%nchat-service connection capacity%n");
        System.out.printf("sockets open    %d of %d (failed %d) in %.1f s (%.0f/s)%n", open.size(), socketsWanted,
                failed.get(), openSeconds, open.size() / openSeconds);
        System.out.printf("handshake ms    p50 %.2f  p99 %.2f  max %.2f (%s in flight)%n",
                ms(handshake.getValueAtPercentile(50)), ms(handshake.getValueAtPercentile(99)), ms(handshake.getMaxValue()),
                options.get("concurrency"));
        printServerMemory();
        open.forEach(WebSocket::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- setup

    private List<User> registerUsers(int count) throws IOException, InterruptedException {
        List<User> users = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < count; i++) {
            String email = "load-" + run + "-" + i + "@example.com";
            String password = "load test password";
            post(usersUrl + "/api/users/register/", null, Map.of("email", email, "first_name", "Load", "last_name",
                    "Tester", "password", password, "password_confirm", password));
            JsonNode login = post(usersUrl + "/api/users/login/", null, Map.of("email", email, "password", password));
            users.add(new User(login.path("data").path("id").asLong(),
                    login.path("data").path("tokens").path("access_token").asText()));
        }
        return users;
    }

    /** Consecutive users form groups of {@code size}; returns each user's conversation. */
    private Map<Integer, String> createGroups(List<User> users, int size) throws IOException, InterruptedException {
        Map<Integer, String> conversationOf = new HashMap<>();
        for (int first = 0; first < users.size(); first += size) {
            int last = Math.min(first + size, users.size());
            List<Long> others = new ArrayList<>();
            for (int i = first + 1; i < last; i++) {
                others.add(users.get(i).id());
            }
            if (others.isEmpty()) {
                others.add(users.get(0).id() == users.get(first).id() ? users.get(1).id() : users.get(0).id());
            }
            JsonNode created = post(chatUrl + "/api/chat/conversations/", users.get(first).token(),
                    Map.of("participant_ids", others));
            String id = created.path("data").path("id").asText();
            for (int i = first; i < last; i++) {
                conversationOf.put(i, id);
            }
        }
        return conversationOf;
    }

    private WebSocket connect(WebSocketClient client, String conversation, String token) throws Exception {
        return client.connect(connectOptions(conversation, token)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private WebSocketConnectOptions connectOptions(String conversation, String token) {
        URI uri = URI.create(chatUrl);
        return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                .setURI("/ws/chat/" + conversation).addHeader("Authorization", "Bearer " + token);
    }

    private JsonNode post(String url, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void printServerMemory() {
        if (chatService == null) {
            System.out.println("server RSS      (pass --launch to measure the chat-service process)");
            return;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(chatService.pid()), "status"))) {
                if (line.startsWith("VmRSS")) {
                    System.out.println("server RSS      " + line.substring(6).strip() + " (chat-service process)");
                }
            }
        } catch (IOException e) {
            System.out.println("server RSS      unavailable: " + e.getMessage());
        }
    }

    private int intOption(String name) {
        return Integer.parseInt(options.get(name));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
