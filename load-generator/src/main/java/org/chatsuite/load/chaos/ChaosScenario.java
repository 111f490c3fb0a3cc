package org.chatsuite.load.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.chatsuite.load.Accounts;
import org.chatsuite.load.Accounts.User;
import org.chatsuite.load.LaunchedSuite;
import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.Ports;
import org.chatsuite.processes.RedisProcess;
import org.chatsuite.processes.RedisProcess.AppendFsync;
import org.chatsuite.testsupport.ServiceProcess;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * The {@code chaos} scenario (issue 13): group conversations of resuming clients sending at a steady
 * rate through the gateway of a launched suite while a chat-service replica, the gateway and Redis are
 * SIGKILLed in turn. The gateway comes back on its port as soon as it is killed; Redis after
 * {@code --redis-down} seconds, on its own append-only file ({@code --appendfsync always|everysec}, by
 * default the local suite's); the replica stays dead, so its sockets must move to the survivor while the
 * survivor's stay open. After the sending stops and a drain, every conversation's history is read over
 * REST and checked against what each member received ({@link DeliveryChecker}). {@link #execute()} returns
 * the counts ({@link Result}), for a test; {@link #run()} prints them and gives exit status 1 when
 * anything is lost, duplicated, out of order or still unacknowledged.
 */
public final class ChaosScenario {

    /** A message waits this long for its acknowledgement on an open socket before it is written again. */
    private static final long RESEND_AFTER_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long START = System.nanoTime();
    private static final HttpClient METRICS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The full run; every one can be given as an option ({@code --rate 100}). */
    public static final Map<String, String> DEFAULTS = Map.of("conversations", "100", "members", "5", "rate", "500", "duration", "60",
            "kill-replica-at", "15", "kill-gateway-at", "30", "kill-redis-at", "45", "redis-down", "2", "drain", "60",
            "chat-replicas", "2");

    private final Map<String, String> options;
    private final Map<String, AtomicLong> closeCodes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errorCodes = new ConcurrentHashMap<>();
    private final AtomicLong openSockets = new AtomicLong();
    private final AtomicLong opens = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    /** Close times in ms since sending began, to count what each kill closed. */
    private final List<Long> closeTimes = Collections.synchronizedList(new ArrayList<>());
    /** When each message was first sent (ms since sending began), by client id: places problems in a phase. */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private volatile long sendingStartedNanos;
    /** The same instant on the wall clock, which message ids carry. */
    private volatile long sendingStartedWallMs;

    /** The sockets each chat-service replica held just before one of them was killed (from its metrics). */
    private volatile long victimSockets = -1;
    private volatile long survivorSockets = -1;
    /** The kills that were carried out to the end (killed and, but for the replica, back up), by option. */
    private final Set<String> completedKills = ConcurrentHashMap.newKeySet();

    public ChaosScenario(Map<String, String> options) {
        this.options = options;
    }

    /**
     * What one run found: the counts of {@link DeliveryChecker}, what was still unacknowledged after the
     * drain, what each kill closed, and the sockets' history, with everything the CLI prints.
     * {@code victimSockets} and {@code survivorSockets}: the sockets on the killed replica and on the
     * others just before the kill, as their {@code chat_sockets_open} said (-1 when it could not be read);
     * {@code openAfterDrain}: the members' sockets open when the drain ended.
     */
    public record Result(int members, long sent, long unacknowledged, List<Kill> kills, long victimSockets, long survivorSockets,
            long openAfterDrain, long opens, Map<String, Long> closeCodes, Map<String, Long> errorFrames, long resyncs, long repeatedAcknowledgements,
            DeliveryChecker.Result delivery, Map<String, Map<String, Long>> problemPhases,
            Map<String, List<DeliveryChecker.Problem>> problemExamples) {

        /** Nothing lost, duplicated, out of order, unknown to history or still unacknowledged. */
        public boolean passed() {
            return delivery.clean() && unacknowledged == 0;
        }

        /** The kill of that name ({@code chat-service replica}, {@code gateway}, {@code Redis}). */
        public Kill kill(String name) {
            return kills.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        }

        /** The report the CLI prints at the end of a run. */
        public void print(PrintStream out) {
            for (Kill kill : kills) {
                out.printf("kill of %-20s at %2d s: %d of %d sockets closed within 3 s%n", kill.name(), kill.atMs() / 1000,
                        kill.closedWithin3s(), members);
            }
            out.printf("sockets opened %d times (%d members), close codes %s, error frames %s, resync_required %d, "
                    + "re-sends answered again with a message already received %d%n", opens, members, closeCodes, errorFrames,
                    resyncs, repeatedAcknowledgements);
            out.printf("lost from history %d, deliveries missed %d, duplicated in history %d, delivered twice %d, "
                    + "out of order %d, received but not in history %d, unacknowledged after the drain %d%n", delivery.lostFromHistory(),
                    delivery.missedDeliveries(), delivery.duplicatedInHistory(), delivery.duplicatedDeliveries(), delivery.outOfOrder(),
                    delivery.unknown(), unacknowledged);
            problemPhases.forEach((kind, phases) -> out.printf("%s, by the phase its message was first sent in: %s; e.g. %s%n", kind,
                    phases, problemExamples.get(kind)));
            out.printf("chaos: sent %d, acknowledged %d, delivered %d, lost %d, duplicated %d, out_of_order %d%n", sent,
                    delivery.acknowledged(), delivery.delivered(), delivery.lost(), delivery.duplicated(), delivery.outOfOrder());
        }
    }

    /**
     * One kill, due {@code atMs} after sending began; {@code completed} when the process was killed and,
     * but for the replica, is back up. The sockets that closed in the 3 s after it and before the next
     * kill (or the end of the run): the first is what the CLI prints, the second holds late closes too.
     */
    public record Kill(String name, long atMs, boolean completed, long closedWithin3s, long closedBeforeNextKill) {
    }

    /** The CLI: runs the scenario, prints its report and returns the exit status. */
    public int run() throws Exception {
        Result result = execute();
        result.print(System.out);
        return result.passed() ? 0 : 1;
    }

    /**
     * Runs the scenario on a suite it launches itself (kills need the processes) and stops everything it
     * started, also when it fails.
     */
    public Result execute() throws Exception {
        Path redisDir = Files.createDirectories(Path.of("target", "chaos-redis-" + System.currentTimeMillis()).toAbsolutePath());
        int redisPort = Ports.free();
        AppendFsync fsync = AppendFsync.parse(options.getOrDefault("appendfsync", AppendFsync.LOCAL_DEFAULT.redisName()), "--appendfsync");
        List<String> redisSettings = RedisProcess.appendOnly(redisDir, fsync);
        Path redisLog = redisDir.resolve("redis.log");
        LocalProcess[] redis = { RedisProcess.start(redisPort, redisSettings, redisLog, false) };
        log("Redis on 127.0.0.1:%d, append-only file in %s, %s", redisPort, redisDir, fsync.setting());
        LaunchedSuite suite = null;
        try {
            suite = LaunchedSuite.start(number("chat-replicas"), Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + redisPort));
            log("suite up: gateway %s, chat-service %s", suite.gateway().url(), suite.chats().stream().map(ServiceProcess::url).toList());
            return exercise(suite, () -> {
                redis[0].kill();
                log("Redis SIGKILLed");
                sleepSeconds(number("redis-down"));
                redis[0] = RedisProcess.start(redisPort, redisSettings, redisLog, false);
                log("Redis back on its append-only file");
            });
        } finally {
            if (suite != null) {
                suite.stop();
            }
            redis[0].stop(Duration.ofSeconds(10));
        }
    }

    private Result exercise(LaunchedSuite suite, Runnable killAndRestartRedis) throws Exception {
        int members = number("members");
        int conversations = number("conversations");
        List<User> users = registerInParallel(suite.userService().url(), conversations * members);
        Map<Integer, String> conversationOf = new Accounts().createGroups(suite.gateway().url(), users, members);
        log("%d users in %d conversations of %d", users.size(), conversations, members);

        Vertx vertx = Vertx.vertx();
        try {
            return runClients(suite, killAndRestartRedis, users, conversationOf, vertx);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The members' sockets through the kills, the drain and the check. */
    private Result runClients(LaunchedSuite suite, Runnable killAndRestartRedis, List<User> users, Map<Integer, String> conversationOf,
            Vertx vertx) throws Exception {
        WebSocketClient sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(users.size() * 2 + 10)
                .setConnectTimeout(5000));
        URI gateway = URI.create(suite.gateway().url());
        History history = new History(suite.gateway().url());
        List<ResumingClient> clients = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            clients.add(new ResumingClient(vertx, sockets, history, gateway.getHost(), gateway.getPort(), "m" + i, conversationOf.get(i),
                    users.get(i).id(), users.get(i).token(), events()));
        }
        clients.forEach(ResumingClient::connect);
        awaitAllOpen(clients, 60);
        long resender = vertx.setPeriodic(1000, t -> clients.forEach(c -> c.resendOlderThan(RESEND_AFTER_NANOS)));

        sendingStartedWallMs = System.currentTimeMillis();
        sendingStartedNanos = System.nanoTime();
        List<Thread> chaos = List.of(
                at("kill-replica-at", () -> {
                    ServiceProcess victim = suite.chats().get(suite.chats().size() - 1);
                    victimSockets = socketsOpen(victim);
                    survivorSockets = suite.chats().stream().filter(c -> c != victim).mapToLong(ChaosScenario::socketsOpen)
                            .reduce(0, (a, b) -> a < 0 || b < 0 ? -1 : a + b);
                    victim.kill();
                    log("chat-service replica on port %d SIGKILLed (left dead)", victim.port());
                }),
                at("kill-gateway-at", () -> {
                    suite.gateway().kill();
                    log("gateway SIGKILLed");
                    suite.gateway().start();
                    log("gateway back on port %d", suite.gateway().port());
                }),
                at("kill-redis-at", killAndRestartRedis));
        long sent;
        try {
            sent = sendSteadily(clients);
            log("sending stopped: %d messages", sent);
        } finally {
            // A kill's restart must not come after the suite was stopped: it would outlive the run.
            for (Thread thread : chaos) {
                thread.join();
            }
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(number("drain"));
        while (pending(clients) > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(500);
        }
        awaitDeliveriesSettled(clients, drainDeadline);
        long unacknowledged = pending(clients);
        long openAfterDrain = openSockets.get();
        log("drained: %d unacknowledged, %d sockets open", unacknowledged, openAfterDrain);
        vertx.cancelTimer(resender);
        clients.forEach(ResumingClient::stop);

        writeReceived(clients, Path.of("target", "chaos-received.txt"));
        DeliveryChecker.Result result = DeliveryChecker.check(collect(clients, history));
        return result(clients, sent, unacknowledged, openAfterDrain, result);
    }

    /** What each member received and how it connected, one line per member: the evidence behind the counts. */
    private static void writeReceived(List<ResumingClient> clients, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ResumingClient client : clients) {
            lines.add("user " + client.userId + " conversation " + client.conversationId + " attempts " + client.attempts() + " received "
                    + client.received());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        System.out.println("per-member connection attempts and received ids: " + file.toAbsolutePath());
    }

    private ResumingClient.ClientEvents events() {
        return new ResumingClient.ClientEvents() {
            @Override
            public void opened() {
                openSockets.incrementAndGet();
                opens.incrementAndGet();
            }

            @Override
            public void closed(int code) {
                openSockets.decrementAndGet();
                closeCodes.computeIfAbsent(String.valueOf(code), k -> new AtomicLong()).incrementAndGet();
                if (sendingStartedNanos != 0) {
                    closeTimes.add(sinceStartMs());
                }
            }

            @Override
            public void errorFrame(String code) {
                errorCodes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
            }

            @Override
            public void resync() {
                resyncs.incrementAndGet();
            }
        };
    }

    /** Sends {@code --rate} messages a second for {@code --duration} seconds, the members taking turns. */
    private long sendSteadily(List<ResumingClient> clients) {
        double rate = Double.parseDouble(options.get("rate"));
        long total = Math.round(rate * number("duration"));
        for (long i = 0; i < total; i++) {
            long due = sendingStartedNanos + Math.round(i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            ResumingClient client = clients.get((int) (i % clients.size()));
            sentAt.put(client.send(), sinceStartMs());
        }
        return total;
    }

    private Thread at(String option, Runnable action) {
        long atMs = number(option) * 1000L;
        Thread thread = new Thread(() -> {
            long wait = atMs - sinceStartMs();
            if (wait > 0) {
                sleepMillis(wait);
            }
            action.run();
            completedKills.add(option);
        }, "chaos-" + option);
        thread.start();
        return thread;
    }

    private List<DeliveryChecker.Conversation> collect(List<ResumingClient> clients, History history) throws Exception {
        Map<String, List<ResumingClient>> byConversation = new TreeMap<>();
        clients.forEach(c -> byConversation.computeIfAbsent(c.conversationId, k -> new ArrayList<>()).add(c));
        List<DeliveryChecker.Conversation> checked = new ArrayList<>();
        for (List<ResumingClient> members : byConversation.values()) {
            ResumingClient reader = members.get(0);
            List<DeliveryChecker.Stored> stored = new ArrayList<>();
            for (JsonNode message : history.after(reader.conversationId, reader.token, History.BEGINNING)) {
                stored.add(new DeliveryChecker.Stored(message.path("id").asText(),
                        message.hasNonNull("client_id") ? message.path("client_id").asText() : null));
            }
            Set<String> acknowledged = new HashSet<>();
            Map<String, List<String>> received = new HashMap<>();
            for (ResumingClient member : members) {
                acknowledged.addAll(member.acknowledged());
                received.put(String.valueOf(member.userId), member.received());
            }
            checked.add(new DeliveryChecker.Conversation(stored, acknowledged, received));
        }
        return checked;
    }

    private Result result(List<ResumingClient> clients, long sent, long unacknowledged, long openAfterDrain,
            DeliveryChecker.Result result) {
        String[] options = { "kill-replica-at", "kill-gateway-at", "kill-redis-at" };
        long[] kills = Arrays.stream(options).mapToLong(option -> number(option) * 1000L).toArray();
        String[] names = { "chat-service replica", "gateway", "Redis" };
        List<Kill> killed = new ArrayList<>();
        for (int k = 0; k < kills.length; k++) {
            long from = kills[k];
            long next = Arrays.stream(kills).filter(t -> t > from).min().orElse(Long.MAX_VALUE);
            synchronized (closeTimes) {
                long within3s = closeTimes.stream().filter(t -> t >= from && t < from + 3000).count();
                long beforeNext = closeTimes.stream().filter(t -> t >= from && t < next).count();
                killed.add(new Kill(names[k], from, completedKills.contains(options[k]), within3s, beforeNext));
            }
        }
        Map<String, Map<String, Long>> byKind = new TreeMap<>();
        Map<String, List<DeliveryChecker.Problem>> examples = new TreeMap<>();
        for (DeliveryChecker.Problem problem : result.problems()) {
            byKind.computeIfAbsent(problem.kind(), k -> new TreeMap<>()).merge(phaseOf(problem, kills), 1L, Long::sum);
            List<DeliveryChecker.Problem> some = examples.computeIfAbsent(problem.kind(), k -> new ArrayList<>());
            if (some.size() < 5) {
                some.add(problem);
            }
        }
        return new Result(clients.size(), sent, unacknowledged, killed, victimSockets, survivorSockets, openAfterDrain, opens.get(),
                counts(closeCodes), counts(errorCodes), resyncs.get(),
                clients.stream().mapToLong(ResumingClient::repeatedAcknowledgements).sum(), result, byKind, examples);
    }

    /** A snapshot in the map's own order, so that it prints as the live map did. */
    private static Map<String, Long> counts(Map<String, AtomicLong> live) {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        live.forEach((key, count) -> snapshot.put(key, count.get()));
        return snapshot;
    }

    /** {@code chat_sockets_open} of a chat-service replica, from its metrics; -1 when they cannot be read. */
    private static long socketsOpen(ServiceProcess replica) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.managementUrl() + "/q/metrics")).timeout(Duration.ofSeconds(5))
                .build();
        try {
            String metrics = METRICS.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("chat_sockets_open"))
                    .mapToLong(line -> Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))).findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The phase a problem's message was first sent in (by its client id, else by its id's timestamp). */
    private String phaseOf(DeliveryChecker.Problem problem, long[] kills) {
        Long sentAtMs = problem.clientId() != null ? sentAt.get(problem.clientId()) : null;
        if (sentAtMs == null && problem.messageId() != null) {
            sentAtMs = Long.parseLong(problem.messageId().split("-")[0]) - sendingStartedWallMs;
        }
        if (sentAtMs == null) {
            return "unknown";
        }
        String[] phases = { "1 before any kill", "2 after the replica kill", "3 after the gateway kill", "4 after the Redis kill" };
        int phase = 0;
        while (phase < kills.length && sentAtMs >= kills[phase]) {
            phase++;
        }
        return phases[phase];
    }

    private List<User> registerInParallel(String usersUrl, int count) throws Exception {
        int workers = 4;
        List<CompletableFuture<List<User>>> parts = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int share = count / workers + (w < count % workers ? 1 : 0);
            parts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return new Accounts().registerUsers(usersUrl, share);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<User> users = new ArrayList<>();
        for (CompletableFuture<List<User>> part : parts) {
            users.addAll(part.get());
        }
        return users;
    }

    private void awaitAllOpen(List<ResumingClient> clients, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (clients.stream().anyMatch(c -> !c.isOpen())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every member could connect within " + seconds + " s");
            }
            Thread.sleep(200);
        }
        log("%d sockets open", clients.size());
    }

    /** Waits until no new message has arrived anywhere for two seconds (or the drain's end). */
    private static void awaitDeliveriesSettled(List<ResumingClient> clients, long deadline) throws InterruptedException {
        long previous = -1;
        while (System.nanoTime() < deadline) {
            long now = clients.stream().mapToLong(c -> c.received().size()).sum();
            if (now == previous) {
                return;
            }
            previous = now;
            Thread.sleep(2000);
        }
    }

    private static long pending(List<ResumingClient> clients) {
        return clients.stream().mapToLong(ResumingClient::pendingCount).sum();
    }

    private int number(String option) {
        return Integer.parseInt(options.get(option));
    }

    private long sinceStartMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - (sendingStartedNanos == 0 ? START : sendingStartedNanos));
    }

    private void log(String format, Object... args) {
        System.out.printf("[%6.1f s] %s%n", sendingStartedNanos == 0 ? 0.0 : sinceStartMs() / 1000.0, String.format(format, args));
    }

    private static void sleepSeconds(int seconds) {
        sleepMillis(seconds * 1000L);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
