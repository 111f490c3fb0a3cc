package org.chatsuite.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.chatsuite.load.Accounts.User;
import org.chatsuite.load.chaos.ChaosScenario;
import org.chatsuite.load.soak.SoakScenario;
import org.chatsuite.testsupport.ServiceProcess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Load generator for the suite, measured through the gateway as users reach it and, in the same run,
 * directly against the chat-service replicas ({@code --target both}, the default). Two modes:
 * <ul>
 * <li>{@code messages}: users in group conversations, one socket each, sending at a total target
 * rate; reports deliveries/s, end-to-end latency (send to receipt on every member socket, one clock),
 * losses, duplicates and reorders.</li>
 * <li>{@code connections}: opens N idle sockets and reports how long it took, failures and the
 * server's resident memory before and after.</li>
 * </ul>
 * With {@code --launch} it starts the stack itself (embedded PostgreSQL and Redis, the packaged
 * user-service, {@code --chat-replicas} chat-service replicas and the gateway, throttles off);
 * otherwise it targets {@code --gateway-url}, {@code --chat-url} (comma-separated replicas) and
 * {@code --users-url}.
 * Every run is bounded by {@code --duration} and stops by itself. {@code --mode chaos} is the fault-injection
 * run of {@link ChaosScenario}, on a suite it always launches itself; {@code --mode soak} holds thousands of sockets
 * for minutes ({@link SoakScenario}), also on a suite of its own.
 */
public final class ChatLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> options;
    private final Accounts accounts = new Accounts();
    private List<String> chatUrls;
    private String usersUrl;
    private String gatewayUrl;
    /** Launched processes whose resident memory is reported (gateway first, then the chat replicas). */
    private final List<ServiceProcess> measured = new ArrayList<>();
    private final Map<ServiceProcess, String> names = new HashMap<>();

    /** Where sockets and requests go: the gateway, or the chat-service replicas in turn. */
    private record Target(String name, List<String> chatUrls, String restUrl) {
        String socketUrl(int index) {
            return chatUrls.get(index % chatUrls.size());
        }
    }

    private ChatLoad(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("mode", "messages", "users", "20", "group-size", "5",
                "rate", "100", "duration", "20", "sockets", "1000", "concurrency", "50", "warmup", "0", "chat-url", "http://127.0.0.1:8082",
                "users-url", "http://127.0.0.1:8081"));
        options.putAll(Map.of("gateway-url", "http://127.0.0.1:8080", "target", "both", "chat-replicas", "2", "hold", "10"));
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            given.put(name, hasValue ? args[++i] : "true");
        }
        if ("chaos".equals(given.get("mode"))) {
            Map<String, String> chaos = new HashMap<>(ChaosScenario.DEFAULTS);
            chaos.putAll(given);
            System.exit(new ChaosScenario(chaos).run());
        }
        if ("soak".equals(given.get("mode"))) {
            Map<String, String> soak = new HashMap<>(SoakScenario.DEFAULTS);
            soak.putAll(given);
            System.exit(new SoakScenario(soak).run());
        }
        options.putAll(given);
        new ChatLoad(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        List<ServiceProcess> launched = new ArrayList<>();
        try {
            if (options.containsKey("launch")) {
                launch(launched);
            } else {
                chatUrls = List.of(options.get("chat-url").split(","));
                usersUrl = options.get("users-url");
                gatewayUrl = options.get("gateway-url");
            }
            for (Target target : targets()) {
                if (options.get("mode").equals("connections")) {
                    connections(target);
                } else {
                    messages(target);
                }
            }
        } finally {
            launched.forEach(ServiceProcess::stop);
        }
    }

    private List<Target> targets() {
        Target direct = new Target("direct to chat-service", chatUrls, chatUrls.get(0));
        Target gateway = new Target("through the gateway", List.of(gatewayUrl), gatewayUrl);
        return switch (options.get("target")) {
            case "direct" -> List.of(direct);
            case "gateway" -> List.of(gateway);
            default -> List.of(direct, gateway);
        };
    }

    private void launch(List<ServiceProcess> launched) {
        LaunchedSuite suite = LaunchedSuite.start(intOption("chat-replicas"), Map.of());
        launched.add(suite.userService());
        launched.addAll(suite.chats());
        launched.add(suite.gateway());
        names.put(suite.gateway(), "gateway");
        for (int i = 0; i < suite.chats().size(); i++) {
            names.put(suite.chats().get(i), "chat-service-" + (i + 1));
        }
        measured.add(suite.gateway());
        measured.addAll(suite.chats());
        usersUrl = suite.userService().url();
        chatUrls = suite.chats().stream().map(ServiceProcess::url).toList();
        gatewayUrl = suite.gateway().url();
    }

    // ---------------------------------------------------------------- messages

    private void messages(Target target) throws Exception {
        int userCount = intOption("users");
        int groupSize = intOption("group-size");
        double rate = Double.parseDouble(options.get("rate"));
        int warmup = intOption("warmup");
        int seconds = warmup + intOption("duration");
        List<User> users = registerUsers(userCount, target);
        Map<Integer, String> conversationOf = createGroups(users, groupSize, target);
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
            WebSocket socket = connect(client, target.socketUrl(i), conversationOf.get(i), users.get(i).token());
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

        System.out.printf("%nmessages benchmark, %s%n", target.name());
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
        printMemory(Map.of(), residentMemory(), 0);
    }

    // ---------------------------------------------------------------- connections

    private void connections(Target target) throws Exception {
        int socketsWanted = intOption("sockets");
        int userCount = Math.min(intOption("users"), socketsWanted);
        List<User> users = registerUsers(userCount, target);
        Map<Integer, String> conversationOf = createGroups(users, Math.min(intOption("group-size"), userCount), target);
        Map<ServiceProcess, Long> before = residentMemory();
        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(socketsWanted + 10).setConnectTimeout(10_000));
        Semaphore inFlight = new Semaphore(intOption("concurrency"));
        Histogram handshake = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
        List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        AtomicLong unexpectedCloses = new AtomicLong();
        long start = System.nanoTime();
        CountDownLatch all = new CountDownLatch(socketsWanted);
        for (int i = 0; i < socketsWanted; i++) {
            int u = i % users.size();
            inFlight.acquire();
            long begun = System.nanoTime();
            client.connect(connectOptions(target.socketUrl(i), conversationOf.get(u), users.get(u).token())).onComplete(ar -> {
                handshake.recordValue(System.nanoTime() - begun);
                if (ar.succeeded()) {
                    WebSocket ws = ar.result();
                    ws.closeHandler(v -> unexpectedCloses.incrementAndGet());
                    open.add(ws);
                } else {
                    String cause = ar.cause() instanceof io.vertx.core.http.UpgradeRejectedException r
                            ? "HTTP " + r.getStatus() : ar.cause().getClass().getSimpleName();
                    failures.computeIfAbsent(cause, k -> new AtomicLong()).incrementAndGet();
                }
                inFlight.release();
                all.countDown();
            });
        }
        all.await(socketsWanted / 10 + 120L, TimeUnit.SECONDS);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(intOption("hold") * 1000L); // held: every socket must stay open
        Map<ServiceProcess, Long> after = residentMemory();
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("%nconnection capacity, %s%n", target.name());
        System.out.printf("sockets opened  %d of %d (failed %d %s) in %.1f s (%.0f handshakes/s, %s in flight)%n", open.size(),
                socketsWanted, failed, failures, openSeconds, open.size() / openSeconds, options.get("concurrency"));
        System.out.printf("handshake ms    p50 %.2f  p99 %.2f  max %.2f%n", ms(handshake.getValueAtPercentile(50)),
                ms(handshake.getValueAtPercentile(99)), ms(handshake.getMaxValue()));
        System.out.printf("held %d s       %d closed unexpectedly, %d still open%n", intOption("hold"),
                unexpectedCloses.get(), open.size() - unexpectedCloses.get());
        printMemory(before, after, open.size());
        open.forEach(ws -> {
            ws.closeHandler(null);
            ws.close();
        });
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Thread.sleep(3000); // let the servers release the sockets before the next target
    }

    // ---------------------------------------------------------------- setup

    private List<User> registerUsers(int count, Target target) throws IOException, InterruptedException {
        return accounts.registerUsers(target.name().startsWith("through") ? target.restUrl() : usersUrl, count);
    }

    private Map<Integer, String> createGroups(List<User> users, int size, Target target) throws IOException, InterruptedException {
        return accounts.createGroups(target.restUrl(), users, size);
    }

    private WebSocket connect(WebSocketClient client, String url, String conversation, String token) throws Exception {
        return client.connect(connectOptions(url, conversation, token)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private WebSocketConnectOptions connectOptions(String url, String conversation, String token) {
        URI uri = URI.create(url);
        return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                .setURI("/ws/chat/" + conversation).addHeader("Authorization", "Bearer " + token);
    }

    /** Resident memory (VmRSS, KiB) of each launched process that serves sockets. */
    private Map<ServiceProcess, Long> residentMemory() {
        Map<ServiceProcess, Long> rss = new java.util.LinkedHashMap<>();
        for (ServiceProcess process : measured) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss.put(process, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException e) {
                System.out.println("RSS of " + names.get(process) + " unavailable: " + e.getMessage());
            }
        }
        return rss;
    }

    private void printMemory(Map<ServiceProcess, Long> before, Map<ServiceProcess, Long> after, int sockets) {
        if (measured.isEmpty()) {
            System.out.println("server RSS      (pass --launch to measure the services' memory)");
            return;
        }
        for (ServiceProcess process : measured) {
            long from = before.getOrDefault(process, 0L);
            long to = after.getOrDefault(process, 0L);
            if (before.isEmpty()) {
                System.out.printf("RSS %-15s %d MiB%n", names.get(process), to / 1024);
            } else {
                System.out.printf("RSS %-15s %d MiB -> %d MiB (%+.1f KiB per socket opened)%n", names.get(process),
                        from / 1024, to / 1024, (to - from) / (double) Math.max(1, sockets));
            }
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
