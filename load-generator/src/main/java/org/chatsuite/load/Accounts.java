package org.chatsuite.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The users and group conversations a benchmark needs, made over REST like any client. */
public final class Accounts {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The auth cookie of docs/API.md. */
    private static final String ACCESS_COOKIE = "chat_access_token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every user's password is {@link #PASSWORD}. */
    public record User(long id, String email, String token) {
    }

    public static final String PASSWORD = "load test password";

    /**
     * Registers {@code count} fresh users at {@code usersUrl} (user-service or the gateway). Registering logs
     * the user in: the access token comes in the auth cookie, which spares a login (a second bcrypt, the
     * slow part of a benchmark's set-up).
     */
    public List<User> registerUsers(String usersUrl, int count) throws IOException, InterruptedException {
        List<User> users = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < count; i++) {
            String email = "load-" + run + "-" + i + "@example.com";
            HttpResponse<String> registered = send(usersUrl + "/api/users/register/", null, Map.of("email", email, "first_name",
                    "Load", "last_name", "Tester", "password", PASSWORD, "password_confirm", PASSWORD));
            users.add(new User(JSON.readTree(registered.body()).path("data").path("id").asLong(), email,
                    accessTokenCookie(registered)));
        }
        return users;
    }

    /** Consecutive users form groups of {@code size}; returns each user's conversation. */
    public Map<Integer, String> createGroups(String restUrl, List<User> users, int size) throws IOException, InterruptedException {
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
            JsonNode created = post(restUrl + "/api/chat/conversations/", users.get(first).token(), Map.of("participant_ids", others));
            String id = created.path("data").path("id").asText();
            for (int i = first; i < last; i++) {
                conversationOf.put(i, id);
            }
        }
        return conversationOf;
    }

    private static String accessTokenCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ACCESS_COOKIE + "="))
                .map(c -> c.substring(ACCESS_COOKIE.length() + 1).split(";", 2)[0]).findFirst()
                .orElseThrow(() -> new IllegalStateException(response.uri() + " set no " + ACCESS_COOKIE + " cookie"));
    }

    /** POSTs {@code body} as JSON (with {@code token} unless null); a status of 300 or more is an exception. */
    public JsonNode post(String url, String token, Object body) throws IOException, InterruptedException {
        return JSON.readTree(send(url, token, body).body());
    }

    private HttpResponse<String> send(String url, String token, Object body) throws IOException, InterruptedException {
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
        return response;
    }
}
