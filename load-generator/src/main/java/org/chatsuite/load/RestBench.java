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

import at.favre.lib.crypto.bcrypt.BCrypt;

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

    /**
     * HTTP/1.1, as browsers speak to a cleartext endpoint: each client then holds connections of its
     * own. The JDK's default (HTTP/2 by h2c upgrade) would carry every client over one shared
     * connection, so one event loop of the server would serve the whole benchmark.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
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

    /**
     * Logins at {@code usersUrl} (user-service or the gateway), and {@code readers} closed-loop readers
     * of the profile there (0: the logins alone, to compare their rate with {@link #bcryptRate}).
     */
    void loginFlood(String usersUrl, int clients, int readers, int warmup, int seconds) throws Exception {
        User user = accounts.registerUsers(usersUrl, 1).get(0);
        String body = "{\"email\":\"" + user.email() + "\",\"password\":\"" + Accounts.PASSWORD + "\"}";
        HttpRequest login = HttpRequest.newBuilder(URI.create(usersUrl + "/api/users/login/")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpRequest profile = get(usersUrl + "/api/users/profile/", user.token());
        closedLoop(clients, warmup, () -> login);
        AtomicReference<String> profileResult = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                if (readers > 0) {
                    profileResult.set(closedLoop(readers, seconds, () -> profile));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        String logins = closedLoop(clients, seconds, () -> login);
        reader.join();
        System.out.println("login    " + logins);
        if (readers > 0) {
            System.out.printf("profile  %s (%d reader%s, during the logins)%n", profileResult.get(), readers, readers == 1 ? "" : "s");
        }
    }

    /**
     * The machine's raw rate of what a login costs most: verifying a password hashed with bcrypt at
     * {@code cost}, on {@code threads} threads of this JVM, with no server around it.
     */
    static void bcryptRate(int cost, int threads, int seconds) throws InterruptedException {
        char[] password = Accounts.PASSWORD.toCharArray();
        String hash = BCrypt.withDefaults().hashToString(cost, password);
        BCrypt.verifyer().verify(password, hash); // warm-up: class loading and a first compilation
        AtomicLong verified = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (!BCrypt.verifyer().verify(password, hash).verified) {
                        throw new IllegalStateException("bcrypt did not verify its own hash");
                    }
                    verified.incrementAndGet();
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.printf("bcrypt cost %d, %d thread%s, %d s: %d verifications, %.2f/s%n", cost, threads, threads == 1 ? "" : "s",
                seconds, verified.get(), verified.get() / (double) seconds);
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
