package org.chatsuite.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.chatsuite.load.Accounts.User;
import org.chatsuite.load.ceiling.BroadcastServer;
import org.chatsuite.load.ceiling.Ceiling;
import org.chatsuite.load.chaos.ChaosScenario;
import org.chatsuite.load.soak.SoakScenario;
import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.Ports;
import org.chatsuite.processes.RedisProcess;
import org.chatsuite.processes.RedisProcess.AppendFsync;
import org.chatsuite.testsupport.ServiceProcess;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Load generator for the suite, measured through the gateway as users reach it and, in the same run,
 * directly against the chat-service replicas ({@code --target both}, the default), and against the
 * machine's ceiling ({@code ceiling}: a {@link BroadcastServer} with no authentication or storage,
 * speaking the same frames). Modes:
 * <ul>
 * <li>{@code messages}: users in group conversations, one socket each, sending at a total target
 * rate, or at each rate of {@code --rates} in turn; reports deliveries/s, end-to-end latency (from when
 * a message was due to its receipt on every member socket, one clock), losses, duplicates and reorders
 * ({@link MessageRun}), and for a sweep each target's highest passing rate as a share of the ceiling's.</li>
 * <li>{@code connections}: opens N idle sockets and reports how long it took, failures and the
 * server's resident memory before and after.</li>
 * <li>{@code history} and {@code login-flood}: the REST figures of {@link RestBench} ({@code --readers}: profile
 * readers beside the logins, 1 by default, 0 for the logins alone); {@code bcrypt}: the machine's raw rate of bcrypt
 * verifications ({@code --cost}, 12, on {@code --threads}, one per core), what the login rate compares with.</li>
 * </ul>
 * With {@code --launch} it starts the stack itself (embedded PostgreSQL and Redis, the packaged
 * user-service, {@code --chat-replicas} chat-service replicas and the gateway, throttles off; with
 * {@code --appendfsync always|everysec} on a Redis with an append-only file, as in production);
 * otherwise it targets {@code --gateway-url}, {@code --chat-url} (comma-separated replicas) and
 * {@code --users-url}.
 * Every run is bounded by {@code --duration} and stops by itself. {@code --mode chaos} is the fault-injection
 * run of {@link ChaosScenario}, on a suite it always launches itself; {@code --mode soak} holds thousands of sockets
 * for minutes ({@link SoakScenario}), also on a suite of its own.
 */
public final class ChatLoad {

    private final Map<String, String> options;
    private final Accounts accounts = new Accounts();
    private List<String> chatUrls;
    private String usersUrl;
    private String gatewayUrl;
    /** Launched processes whose resident memory is reported, by name (gateway first, then the chat replicas). */
    private final Map<String, Long> measured = new java.util.LinkedHashMap<>();
    /** The suite's own Redis when {@code --appendfsync} asks for one, else null. */
    private LocalProcess durableRedis;
    /** A sweep's highest passing rate per target (empty: none passed), in the order the targets ran. */
    private final Map<Target, java.util.Optional<MessageRun.Result>> highestPassing = new java.util.LinkedHashMap<>();

    /**
     * Where sockets and requests go: the gateway, the chat-service replicas in turn, or the ceiling
     * (no REST: {@code restUrl} null), with the processes that serve it (name to pid) for their memory.
     */
    private record Target(String name, List<String> chatUrls, String restUrl, Map<String, Long> processes) {
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
        if ("bcrypt".equals(given.get("mode"))) {
            RestBench.bcryptRate(Integer.parseInt(given.getOrDefault("cost", "12")),
                    Integer.parseInt(given.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
                    Integer.parseInt(given.getOrDefault("duration", "10")));
            System.exit(0);
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
            List<String> names = targetNames();
            try (Ceiling ceiling = names.contains("ceiling") ? Ceiling.start(options.containsKey("ceiling-in-process")) : null) {
                List<Target> targets = names.stream().map(name -> target(name, ceiling)).toList();
                switch (options.get("mode")) {
                    case "connections" -> {
                        for (Target target : targets) {
                            connections(target);
                        }
                    }
                    case "history", "login-flood" -> {
                        for (Target target : targets) {
                            rest(target);
                        }
                    }
                    default -> messages(targets);
                }
            }
        } finally {
            launched.forEach(ServiceProcess::stop);
            if (durableRedis != null) {
                durableRedis.stop(java.time.Duration.ofSeconds(10));
            }
        }
    }

    /** {@code --target}: a comma-separated list of direct, gateway and ceiling; both = direct,gateway; all = the three. */
    private List<String> targetNames() {
        List<String> names = new ArrayList<>();
        for (String name : options.get("target").split(",")) {
            switch (name) {
                case "both" -> names.addAll(List.of("direct", "gateway"));
                case "all" -> names.addAll(List.of("direct", "gateway", "ceiling"));
                case "direct", "gateway", "ceiling" -> names.add(name);
                default -> throw new IllegalArgumentException("--target " + name + ": expected direct, gateway, ceiling, both or all");
            }
        }
        return names;
    }

    private Target target(String name, Ceiling ceiling) {
        Map<String, Long> chats = new java.util.LinkedHashMap<>(measured);
        chats.remove("gateway");
        return switch (name) {
            case "direct" -> new Target("direct to chat-service", chatUrls, chatUrls.get(0), chats);
            case "gateway" -> new Target("through the gateway", List.of(gatewayUrl), gatewayUrl, measured);
            default -> new Target("ceiling (plain Vert.x broadcast)", List.of(ceiling.url()), null,
                    ceiling.pid().isPresent() ? Map.of("ceiling", ceiling.pid().getAsLong()) : Map.of());
        };
    }

    private void launch(List<ServiceProcess> launched) throws IOException {
        // Users are registered with the test cost of bcrypt (10), a login flood hashes at production's (12).
        String cost = options.getOrDefault("bcrypt-cost", options.get("mode").equals("login-flood") ? "12" : null);
        LaunchedSuite suite = LaunchedSuite.start(intOption("chat-replicas"), durableRedis(),
                cost == null ? Map.of() : Map.of("chatsuite.password.bcrypt-cost", cost));
        launched.add(suite.userService());
        launched.addAll(suite.chats());
        launched.add(suite.gateway());
        measured.put("gateway", suite.gateway().pid());
        for (int i = 0; i < suite.chats().size(); i++) {
            measured.put("chat-service-" + (i + 1), suite.chats().get(i).pid());
        }
        System.out.println("launched (name=pid, e.g. for jcmd): " + measured);
        usersUrl = suite.userService().url();
        chatUrls = suite.chats().stream().map(ServiceProcess::url).toList();
        gatewayUrl = suite.gateway().url();
    }

    /**
     * {@code --appendfsync always|everysec}: the suite gets a Redis of its own with an append-only file
     * forced to disk as production's is (the shared test Redis keeps nothing on disk), so that a run
     * shows what durable acknowledgement costs. Without it: no configuration added.
     */
    private Map<String, String> durableRedis() throws IOException {
        String policy = options.get("appendfsync");
        if (policy == null) {
            return Map.of();
        }
        AppendFsync fsync = AppendFsync.parse(policy, "--appendfsync");
        Path dir = Files.createDirectories(Path.of("target", "bench-redis-" + System.currentTimeMillis()).toAbsolutePath());
        int port = Ports.free();
        durableRedis = RedisProcess.start(port, RedisProcess.appendOnly(dir, fsync), dir.resolve("redis.log"), false);
        System.out.printf("Redis on 127.0.0.1:%d with an append-only file in %s, %s%n", port, dir, fsync.setting());
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
    }

    // ---------------------------------------------------------------- messages

    /**
     * One step per rate of {@code --rates} (or the one {@code --rate}) on sockets opened once per
     * target. The targets take turns at each rate (direct, gateway, ceiling, then the next rate), so
     * that a machine whose other load changes during the run weighs on all of them alike. A target
     * leaves the sweep at its first failing rate (p99 over {@code --max-p99} ms, or anything lost,
     * duplicated, reordered or refused); its highest passing rate is kept for the comparison.
     */
    private void messages(List<Target> targets) throws Exception {
        int userCount = intOption("users");
        int groupSize = intOption("group-size");
        int warmup = intOption("warmup");
        int seconds = intOption("duration");
        double maxP99 = Double.parseDouble(options.getOrDefault("max-p99", "100"));
        List<Double> rates = java.util.Arrays.stream(options.getOrDefault("rates", options.get("rate")).split(","))
                .map(Double::parseDouble).toList();
        Map<Target, MessageRun> runs = new java.util.LinkedHashMap<>();
        try {
            for (Target target : targets) {
                List<String> tokens = new ArrayList<>();
                Map<Integer, String> conversationOf = usersInGroups(target, userCount, groupSize, tokens);
                runs.put(target, new MessageRun(target.chatUrls(), tokens, conversationOf));
                highestPassing.put(target, java.util.Optional.empty());
            }
            System.out.printf("%nmessages benchmark: users %d, group size %d, conversations %d, rates %s msg/s, each %d s (+%d s warm-up)%n",
                    userCount, groupSize, (userCount + groupSize - 1) / groupSize, rates, seconds, warmup);
            if (rates.size() > 1 && warmup > 0) {
                // Freshly started JVMs compile as they go: without this, the first target of the first
                // rate would be measured cold and leave the sweep for it.
                for (Target target : targets) {
                    runs.get(target).run(rates.get(0), warmup, 0);
                }
                System.out.printf("every target warmed up for %d s at %.0f msg/s%n", warmup, rates.get(0));
            }
            List<Target> active = new ArrayList<>(targets);
            for (double rate : rates) {
                for (Target target : List.copyOf(active)) {
                    MessageRun.Result result = runs.get(target).run(rate, warmup, seconds);
                    Histogram latency = result.latency();
                    System.out.printf("rate %6.0f, %s: sent %d (%.1f msg/s), deliveries %d of %d (%.1f deliveries/s measured), "
                            + "lost %d, duplicates %d, reorders %d, error frames %d%n", rate, target.name(), result.sent(),
                            result.sentPerSecond(), result.delivered(), result.expected(), result.deliveriesPerSecond(), result.lost(),
                            result.duplicates(), result.reorders(), result.errors());
                    System.out.printf("    latency ms p50 %.2f  p90 %.2f  p99 %.2f  max %.2f (%d deliveries after warm-up) -> %s%n",
                            ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)), result.p99Ms(),
                            ms(latency.getMaxValue()), latency.getTotalCount(), result.passed(maxP99) ? "pass" : "FAIL");
                    if (result.passed(maxP99)) {
                        highestPassing.put(target, java.util.Optional.of(result));
                    } else {
                        active.remove(target);
                    }
                }
            }
        } finally {
            for (MessageRun run : runs.values()) {
                run.close();
            }
        }
        Map<String, Long> serving = new java.util.LinkedHashMap<>();
        targets.forEach(target -> serving.putAll(target.processes()));
        printMemory(Map.of(), residentMemory(serving), 0);
        if (rates.size() > 1) {
            printSweepSummary();
        }
    }

    /** The comparison of a sweep: each target's highest passing rate, and each as a share of the ceiling's. */
    private void printSweepSummary() {
        System.out.printf("%nhighest passing rate (p99 <= %s ms; nothing lost, duplicated, reordered or refused), of %s msg/s%n",
                options.getOrDefault("max-p99", "100"), options.get("rates"));
        Double ceiling = null;
        for (var entry : highestPassing.entrySet()) {
            MessageRun.Result best = entry.getValue().orElse(null);
            if (best == null) {
                System.out.printf("  %-35s none%n", entry.getKey().name());
                continue;
            }
            System.out.printf("  %-35s %6.0f msg/s  %8.0f deliveries/s  p99 %.1f ms%n", entry.getKey().name(), best.rate(),
                    best.deliveriesPerSecond(), best.p99Ms());
            if (entry.getKey().restUrl() == null) {
                ceiling = best.deliveriesPerSecond();
            }
        }
        if (ceiling != null) {
            for (var entry : highestPassing.entrySet()) {
                if (entry.getKey().restUrl() != null && entry.getValue().isPresent()) {
                    double share = entry.getValue().get().deliveriesPerSecond() / ceiling;
                    System.out.printf("  %-35s %.0f%% of the ceiling%n", entry.getKey().name(), 100 * share);
                }
            }
        }
    }

    // ---------------------------------------------------------------- history, login-flood

    /**
     * The REST figures of issue 14 ({@link RestBench}): direct means chat-service's first replica for
     * history and user-service for logins.
     */
    private void rest(Target target) throws Exception {
        if (target.restUrl() == null) {
            throw new IllegalArgumentException("--mode " + options.get("mode") + " has no ceiling target: use direct, gateway or both");
        }
        boolean gateway = target.name().startsWith("through");
        int clients = Integer.parseInt(options.getOrDefault("clients", options.get("mode").equals("history") ? "20" : "10"));
        String where = gateway ? target.name() : options.get("mode").equals("history") ? "direct to chat-service" : "direct to user-service";
        System.out.printf("%n%s, %s, %d clients, %d s (+%s s warm-up)%n", options.get("mode"), where, clients,
                intOption("duration"), options.get("warmup"));
        RestBench bench = new RestBench(accounts);
        String users = gateway ? gatewayUrl : usersUrl;
        if (options.get("mode").equals("history")) {
            bench.history(users, target.restUrl(), clients, intOption("warmup"), intOption("duration"));
        } else {
            bench.loginFlood(users, clients, Integer.parseInt(options.getOrDefault("readers", "1")), intOption("warmup"),
                    intOption("duration"));
        }
    }

    // ---------------------------------------------------------------- connections

    private void connections(Target target) throws Exception {
        int socketsWanted = intOption("sockets");
        int userCount = Math.min(intOption("users"), socketsWanted);
        List<String> tokens = new ArrayList<>();
        Map<Integer, String> conversationOf = usersInGroups(target, userCount, Math.min(intOption("group-size"), userCount), tokens);
        Map<String, Long> before = residentMemory(target.processes());
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
            int u = i % tokens.size();
            inFlight.acquire();
            long begun = System.nanoTime();
            client.connect(connectOptions(target.socketUrl(i), conversationOf.get(u), tokens.get(u))).onComplete(ar -> {
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
        Map<String, Long> after = residentMemory(target.processes());
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

    /**
     * Registers {@code count} users (their tokens added to {@code tokens}) in group conversations of
     * {@code size} consecutive users; returns each user's conversation. The ceiling has no accounts:
     * any token and conversation id will do there.
     */
    private Map<Integer, String> usersInGroups(Target target, int count, int size, List<String> tokens)
            throws IOException, InterruptedException {
        if (target.restUrl() == null) {
            Map<Integer, String> conversationOf = new HashMap<>();
            for (int i = 0; i < count; i++) {
                tokens.add("none");
                conversationOf.put(i, new java.util.UUID(0, i / size).toString());
            }
            return conversationOf;
        }
        List<User> users = accounts.registerUsers(target.name().startsWith("through") ? target.restUrl() : usersUrl, count);
        users.forEach(user -> tokens.add(user.token()));
        return accounts.createGroups(target.restUrl(), users, size);
    }

    private WebSocketConnectOptions connectOptions(String url, String conversation, String token) {
        URI uri = URI.create(url);
        return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                .setURI("/ws/chat/" + conversation).addHeader("Authorization", "Bearer " + token);
    }

    /** Resident memory (VmRSS, KiB) of each of {@code processes} (name to pid), by name. */
    private Map<String, Long> residentMemory(Map<String, Long> processes) {
        Map<String, Long> rss = new java.util.LinkedHashMap<>();
        processes.forEach((name, pid) -> {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss.put(name, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException e) {
                System.out.println("RSS of " + name + " unavailable: " + e.getMessage());
            }
        });
        return rss;
    }

    private void printMemory(Map<String, Long> before, Map<String, Long> after, int sockets) {
        if (after.isEmpty()) {
            System.out.println("server RSS      (pass --launch to measure the services' memory)");
            return;
        }
        after.forEach((name, to) -> {
            long from = before.getOrDefault(name, 0L);
            if (before.isEmpty()) {
                System.out.printf("RSS %-15s %d MiB%n", name, to / 1024);
            } else {
                System.out.printf("RSS %-15s %d MiB -> %d MiB (%+.1f KiB per socket opened)%n", name, from / 1024, to / 1024,
                        (to - from) / (double) Math.max(1, sockets));
            }
        });
    }

    private int intOption(String name) {
        return Integer.parseInt(options.get(name));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
