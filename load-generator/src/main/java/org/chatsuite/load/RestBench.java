package org.chatsuite.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.chatsuite.load.Accounts.User;

/**
 * ChatLoad's REST modes of issue 14, closed-loop clients on the JDK's HTTP client, latency from send
 * to the full body:
 * <ul>
 * <li>{@code history}: two users, 50 messages (a page of about 24 kB), then {@code clients} readers
 * of {@code …/messages/?limit=50} in a loop;</li>
 * <li>{@code login-flood}: {@code clients} users logging in in a loop (bcrypt) while one more reads its
 * profile: how a cheap request fares beside the hashing.</li>
 * </ul>
 * Each runs {@code warmup} seconds unrecorded first, then {@code seconds} recorded.
 */
final class RestBench {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Accounts accounts;

    RestBench(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Accounts at {@code usersUrl}, the conversation and its messages at {@code restUrl}, which the readers read too. */
    void history(String usersUrl, String restUrl, int clients, int warmup, int seconds) throws Exception {
        List<User> pair = accounts.registerUsers(usersUrl, 2);
        String conversation = accounts.post(restUrl + "/api/chat/conversations/", pair.get(0).token(),
                Map.of("participant_ids", List.of(pair.get(1).id()))).path("data").path("id").asText();
        String messages = restUrl + "/api/chat/conversations/" + conversation + "/messages/";
        for (int i = 0; i < 50; i++) {
            accounts.post(messages, pair.get(i % 2).token(), Map.of("content", "message " + i + " " + "lorem ipsum dolor sit amet ".repeat(8)));
        }
        HttpRequest page = get(messages + "?limit=50", pair.get(0).token());
        System.out.printf("history page: %d bytes%n", http.send(page, HttpResponse.BodyHandlers.ofString()).body().length());
        closedLoop(clients, warmup, () -> page);
        System.out.println("history  " + closedLoop(clients, seconds, () -> page));
    }

    /** Logins at {@code usersUrl} (user-service or the gateway), and one reader of the profile there. */
    void loginFlood(String usersUrl, int clients, int warmup, int seconds) throws Exception {
        User user = accounts.registerUsers(usersUrl, 1).get(0);
        String body = "{\"email\":\"" + user.email() + "\",\"password\":\"" + Accounts.PASSWORD + "\"}";
        HttpRequest login = HttpRequest.newBuilder(URI.create(usersUrl + "/api/users/login/")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpRequest profile = get(usersUrl + "/api/users/profile/", user.token());
        closedLoop(clients, warmup, () -> login);
        AtomicReference<String> profileResult = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                profileResult.set(closedLoop(1, seconds, () -> profile));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        String logins = closedLoop(clients, seconds, () -> login);
        reader.join();
        System.out.println("login    " + logins);
        System.out.println("profile  " + profileResult.get() + " (during the logins)");
    }

    /** {@code clients} threads sending {@code request} one after another for {@code seconds}; returns the summary. */
    private String closedLoop(int clients, int seconds, java.util.function.Supplier<HttpRequest> request) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request.get(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                        }
                        latency.recordValue(System.nanoTime() - start);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return String.format("%d ok, %d errors%s, %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms", latency.getTotalCount(),
                errors.get(), firstError.get() == null ? "" : " (first: " + firstError.get() + ")",
                latency.getTotalCount() / (double) seconds, latency.getValueAtPercentile(50) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
    }

    private static HttpRequest get(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .GET().build();
    }
}
