package org.chatsuite.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measurements of issue 14 (BENCHMARKS.md, "Performance"), JDK only so that it also runs as a
 * single source file: {@code java load-generator/src/main/java/org/chatsuite/load/PerfBench.java MODE URL ...}.
 * <ul>
 * <li>{@code history URL CLIENTS SECONDS [READ_URL]}: closed-loop clients reading a 50-message page of one
 * conversation, through READ_URL if given (e.g. chat-service itself, to leave the gateway out).</li>
 * <li>{@code login-flood URL LOGIN_CLIENTS SECONDS}: closed-loop logins, and one client reading its profile
 * meanwhile; reports both.</li>
 * </ul>
 * Run it against a suite whose throttles are off (CHATSUITE_THROTTLE_*_PER_MINUTE=0).
 */
public final class PerfBench {

    private static final String PASSWORD = "correct horse battery staple 9";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PerfBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: PerfBench history|login-flood BASE_URL CLIENTS SECONDS [READ_URL]");
            System.exit(2);
        }
        String base = args[1];
        int clients = Integer.parseInt(args[2]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[3]));
        switch (args[0]) {
            case "history" -> history(base, args.length == 5 ? args[4] : base, clients, length);
            case "login-flood" -> loginFlood(base, clients, length);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void history(String base, String readBase, int clients, Duration length) throws Exception {
        Session ada = newUser(base, "Ada");
        Session bob = newUser(base, "Bob");
        String conversation = field(call(base, "POST", "/api/chat/conversations/", ada.token,
                "{\"participant_ids\":[" + bob.id + "]}", 201), "id");
        for (int i = 0; i < 50; i++) {
            call(base, "POST", "/api/chat/conversations/" + conversation + "/messages/", i % 2 == 0 ? ada.token : bob.token,
                    "{\"content\":\"message " + i + " " + "lorem ipsum dolor sit amet ".repeat(8) + "\"}", 201);
        }
        String path = "/api/chat/conversations/" + conversation + "/messages/?limit=50";
        int bytes = call(readBase, "GET", path, ada.token, null, 200).length();
        System.out.printf("history page: %d bytes%n", bytes);
        Result result = closedLoop(clients, length, () -> call(readBase, "GET", path, ada.token, null, 200));
        System.out.println("history " + result.summary(length));
    }

    private static void loginFlood(String base, int clients, Duration length) throws Exception {
        Session user = newUser(base, "Flo");
        String login = "{\"email\":\"" + user.email + "\",\"password\":\"" + PASSWORD + "\"}";
        List<Long> profile = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger profileErrors = new AtomicInteger();
        long end = System.nanoTime() + length.toNanos();
        Thread reader = new Thread(() -> {
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                try {
                    call(base, "GET", "/api/users/profile/", user.token, null, 200);
                    profile.add(System.nanoTime() - start);
                } catch (Exception e) {
                    profileErrors.incrementAndGet();
                }
            }
        });
        reader.start();
        Result logins = closedLoop(clients, length, () -> call(base, "POST", "/api/users/login/", null, login, 200));
        reader.join();
        System.out.println("login " + logins.summary(length));
        System.out.println("profile during the flood " + new Result(profile, profileErrors.get()).summary(length));
    }

    interface Request {
        void run() throws Exception;
    }

    private static Result closedLoop(int clients, Duration length, Request request) throws InterruptedException {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        request.run();
                        latencies.add(System.nanoTime() - start);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(latencies, errors.get());
    }

    record Result(List<Long> latencies, int errors) {
        String summary(Duration length) {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return String.format("%d ok, %d errors, %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.size(), errors,
                    sorted.size() / (double) length.toSeconds(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                    percentile(sorted, 1.0));
        }

        private static double percentile(List<Long> sorted, double p) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
            return sorted.get(Math.max(0, index)) / 1e6;
        }
    }

    record Session(long id, String email, String token) {
    }

    private static Session newUser(String base, String name) throws Exception {
        String email = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        call(base, "POST", "/api/users/register/", null, "{\"email\":\"" + email + "\",\"first_name\":\"" + name
                + "\",\"last_name\":\"Bench\",\"password\":\"" + PASSWORD + "\",\"password_confirm\":\"" + PASSWORD + "\"}", 201);
        String body = call(base, "POST", "/api/users/login/", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200);
        return new Session(Long.parseLong(number(body, "id")), email, field(body, "access_token"));
    }

    private static String call(String base, String method, String path, String token, String body, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The first string value of {@code name} in a JSON text: enough for the few fields read here. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static String number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }
}
