package org.chatsuite.load.soak;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.chatsuite.load.Accounts;
import org.chatsuite.load.Accounts.User;
import org.chatsuite.load.LaunchedSuite;
import org.chatsuite.load.soak.Sessions.Session;
import org.chatsuite.load.soak.SoakSummary.Memory;
import org.chatsuite.testsupport.ServiceProcess;

/**
 * The soak (issue 13): {@code --sockets} sockets through the gateway of a suite it launches itself (two
 * chat-service replicas, throttles off, the per-user frame budget raised), held for {@code --duration}
 * seconds with every socket pinged every {@code --ping-every} seconds and {@code --rate} messages a second
 * flowing in group conversations, and each user's token refreshed and handed to its sockets before it
 * expires. It samples every service's heap (after a full GC) and resident memory
 * at the start, every {@code --sample-every} seconds and at the end, scans the services' logs for pool
 * errors and ERROR lines, and exits 1 on any socket not opened or closed unexpectedly, ping unanswered,
 * delivery lost or duplicated, pool error or ERROR line.
 */
public final class SoakScenario {

    /** The full run; every one can be given as an option ({@code --sockets 500}). */
    public static final Map<String, String> DEFAULTS = Map.of("sockets", "5000", "users", "1000", "group-size", "5", "rate", "50",
            "duration", "600", "concurrency", "64", "ping-every", "25", "sample-every", "60", "chat-replicas", "2", "drain", "15");
    /** Tokens are refreshed this long after they were issued (they last 15 minutes); {@code --refresh-after} overrides it. */
    private static final String REFRESH_AFTER = "600";
    /** Services' heap when the Maven command line does not set it: 5,000 relayed sockets are 10,000 connections in the gateway. */
    private static final String DEFAULT_XMX = "512m";

    private final Map<String, String> options;
    private final long startNanos = System.nanoTime();

    public SoakScenario(Map<String, String> options) {
        this.options = options;
    }

    public int run() throws Exception {
        if (System.getProperty("chatsuite.service.xmx") == null) {
            System.setProperty("chatsuite.service.xmx", DEFAULT_XMX);
        }
        int duration = number("duration");
        Map<Path, Long> logSizes = benchLogSizes();
        LaunchedSuite suite = LaunchedSuite.start(number("chat-replicas"), Map.of());
        try {
            log("suite up (services -Xmx%s): gateway %s, chat-service %s", System.getProperty("chatsuite.service.xmx"),
                    suite.gateway().url(), suite.chats().stream().map(ServiceProcess::url).toList());
            return soak(suite, probes(suite, logSizes), duration);
        } finally {
            suite.stop();
        }
    }

    private int soak(LaunchedSuite suite, List<ServiceProbe> probes, int duration) throws Exception {
        int socketCount = number("sockets");
        List<Session> sessions = registerInParallel(suite.userService().url(), Math.min(number("users"), socketCount));
        List<User> users = sessions.stream().map(s -> new User(s.userId(), null, s.accessToken())).toList();
        Map<Integer, String> conversationOfUser = new Accounts().createGroups(suite.gateway().url(), users, number("group-size"));
        List<String> conversationIds = conversationOfUser.values().stream().distinct().sorted().toList();
        List<Integer> conversationOfSocket = new ArrayList<>();
        List<Integer> userOfSocket = new ArrayList<>();
        for (int i = 0; i < socketCount; i++) {
            int user = i % users.size();
            conversationOfSocket.add(conversationIds.indexOf(conversationOfUser.get(user)));
            userOfSocket.add(user);
        }
        log("%d users in %d conversations of %s; %d sockets, %d per conversation", users.size(), conversationIds.size(),
                options.get("group-size"), socketCount, socketCount / conversationIds.size());

        double rate = Double.parseDouble(options.get("rate"));
        int messages = (int) Math.round(rate * duration);
        URI gateway = URI.create(suite.gateway().url());
        Fleet fleet = new Fleet(gateway.getHost(), gateway.getPort(), conversationOfSocket, conversationIds, userOfSocket,
                users.stream().map(User::token).toList(), messages, startNanos);
        List<Sample> samples = new ArrayList<>();
        samples.add(sample("before sockets", -1, fleet, probes));
        fleet.open(number("concurrency"), 3);
        log("%d of %d sockets open", fleet.openCount(), socketCount);

        long holdStart = System.nanoTime();
        samples.add(sample("start", 0, fleet, probes));
        fleet.startPinging(number("ping-every"));
        Thread sender = new Thread(() -> sendSteadily(fleet, rate, messages, holdStart), "soak-sender");
        sender.start();
        long holdEnd = holdStart + TimeUnit.SECONDS.toNanos(duration);
        Thread refresher = new Thread(() -> refreshSteadily(fleet, sessions, suite.gateway().url(), holdEnd), "soak-refresher");
        refresher.start();
        int every = number("sample-every");
        for (int at = every; at < duration; at += every) {
            sleepUntil(holdStart + TimeUnit.SECONDS.toNanos(at));
            samples.add(sample(at % 60 == 0 ? at / 60 + " min" : at + " s", at, fleet, probes));
        }
        sleepUntil(holdStart + TimeUnit.SECONDS.toNanos(duration));
        sender.join();
        refresher.join();
        fleet.stopPinging();
        long held = Math.round((System.nanoTime() - holdStart) / 1e9);
        samples.add(sample("end", held, fleet, probes));
        fleet.drain(number("drain"));
        Map<Integer, Long> unexpected = fleet.unexpectedCloses(); // before the client's own closes
        List<String> closes = fleet.closesDescribed();
        long lost = fleet.lost();
        long unanswered = fleet.pingsUnanswered();
        long authUnanswered = fleet.authUnanswered();
        fleet.close();

        long poolErrors = 0;
        long errorLines = 0;
        List<String> logFindings = new ArrayList<>();
        for (ServiceProbe probe : probes) {
            LogScan scan = LogScan.of(probe.log, probe.logOffset);
            poolErrors += scan.poolErrors();
            errorLines += scan.errorLines();
            logFindings.add(String.format("log %s: %d pool error lines, %d ERROR lines, %d WARN lines (%s)", probe.name, scan.poolErrors(),
                    scan.errorLines(), scan.warnLines(), probe.log));
            scan.examples().forEach(line -> logFindings.add("    " + line));
        }

        SoakSummary summary = new SoakSummary(socketCount, fleet.openedCount(), held, unexpected, unanswered, authUnanswered,
                fleet.sent(), lost, fleet.duplicates(), poolErrors, errorLines, samples.get(1).memory(),
                samples.get(samples.size() - 1).memory());
        System.out.println();
        System.out.print(Sample.table(samples, probes.stream().map(p -> p.name).toList()));
        fleet.details().forEach(System.out::println);
        closes.forEach(System.out::println);
        logFindings.forEach(System.out::println);
        summary.failures().forEach(failure -> System.out.println("FAILED: " + failure));
        System.out.println(summary.lastLine());
        return summary.exitCode();
    }

    /** Sends {@code messages} messages at {@code rate} a second from {@code holdStart}, one sender after another. */
    private static void sendSteadily(Fleet fleet, double rate, int messages, long holdStart) {
        for (int i = 0; i < messages; i++) {
            sleepUntil(holdStart + Math.round(i * 1e9 / rate));
            if (!fleet.send(i)) {
                return; // no socket left open: the closes already fail the run
            }
        }
    }

    /**
     * Refreshes each user's tokens {@code --refresh-after} seconds after they were issued and hands the new access
     * token to the user's sockets, until the hold ends. A failed refresh is reported; its sockets will then be closed
     * with 4401 at expiry, which fails the run as unexpected closes.
     */
    private void refreshSteadily(Fleet fleet, List<Session> sessions, String gatewayUrl, long holdEnd) {
        long after = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("refresh-after", REFRESH_AFTER)));
        PriorityQueue<Session> due = new PriorityQueue<>(Comparator.comparingLong(Session::issuedAtNanos));
        due.addAll(sessions);
        Sessions client = new Sessions();
        int refreshed = 0;
        while (!due.isEmpty() && due.peek().issuedAtNanos() + after < holdEnd) {
            Session session = due.poll();
            sleepUntil(session.issuedAtNanos() + after);
            try {
                Session next = client.refresh(gatewayUrl, session);
                fleet.reauthenticate(next.index(), next.accessToken());
                due.add(next);
                refreshed++;
            } catch (IOException e) {
                log("refreshing user %d failed: %s", session.userId(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (refreshed > 0) {
            log("%d token refreshes", refreshed);
        }
    }

    private Sample sample(String label, long second, Fleet fleet, List<ServiceProbe> probes) {
        Map<String, Memory> memory = new LinkedHashMap<>();
        Map<String, Long> sockets = new LinkedHashMap<>();
        Map<String, ServiceProbe.Breakdown> breakdown = new LinkedHashMap<>();
        for (ServiceProbe probe : probes) {
            try {
                ServiceProbe.Reading reading = probe.read();
                memory.put(probe.name, reading.memory());
                sockets.put(probe.name, reading.sockets());
                breakdown.put(probe.name, reading.breakdown());
            } catch (IOException | RuntimeException e) {
                log("could not sample %s: %s", probe.name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Sample sample = new Sample(label, second, fleet.openCount(), fleet.sent(), fleet.delivered(), memory, sockets, breakdown);
        log("sample %s", sample.row(probes.stream().map(p -> p.name).toList()));
        return sample;
    }

    /**
     * The watched services, gateway first. Their logs are {@code target/<name>-<port>.log} (ServiceProcess's naming, with
     * LaunchedSuite's names); {@code logSizes} says where this run's output begins in a log an earlier run wrote to.
     */
    private static List<ServiceProbe> probes(LaunchedSuite suite, Map<Path, Long> logSizes) {
        List<ServiceProbe> probes = new ArrayList<>();
        probes.add(probe("gateway", "bench-gateway", suite.gateway(), "gateway_websockets_open", logSizes));
        for (int i = 0; i < suite.chats().size(); i++) {
            probes.add(probe("chat-service-" + (i + 1), "bench-chat-service-" + (i + 1), suite.chats().get(i), "chat_sockets_open",
                    logSizes));
        }
        probes.add(probe("user-service", "bench-user-service", suite.userService(), null, logSizes));
        return probes;
    }

    private static ServiceProbe probe(String name, String processName, ServiceProcess process, String gauge, Map<Path, Long> logSizes) {
        Path log = Path.of("target", processName + "-" + process.port() + ".log").toAbsolutePath();
        return new ServiceProbe(name, process, gauge, log, logSizes.getOrDefault(log, 0L));
    }

    private static Map<Path, Long> benchLogSizes() throws IOException {
        Map<Path, Long> sizes = new HashMap<>();
        Path target = Path.of("target").toAbsolutePath();
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("bench-")).toList()) {
                    sizes.put(file, Files.size(file));
                }
            }
        }
        return sizes;
    }

    /** Registers and logs in {@code count} users, four at a time (password hashing is the slow part). */
    private static List<Session> registerInParallel(String usersUrl, int count) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        Sessions client = new Sessions();
        try {
            List<Future<Session>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(workers.submit(() -> client.register(usersUrl, index, "soak-" + run + "-" + index + "@example.com")));
            }
            List<Session> sessions = new ArrayList<>();
            for (Future<Session> future : futures) {
                sessions.add(future.get());
            }
            return sessions;
        } finally {
            workers.shutdownNow();
        }
    }

    private int number(String option) {
        return Integer.parseInt(options.get(option));
    }

    private void log(String format, Object... args) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, String.format(format, args));
    }

    private static void sleepUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
