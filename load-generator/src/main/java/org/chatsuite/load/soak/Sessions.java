package org.chatsuite.load.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The soak's users as a client keeps them: registered, logged in, and refreshed before the access token
 * (15 minutes) expires, because a socket is closed with 4401 at its token's expiry unless it is given
 * a newer one.
 */
final class Sessions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "soak test password";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A user's current tokens and when they were issued ({@link System#nanoTime()}). */
    record Session(int index, long userId, String accessToken, String refreshToken, long issuedAtNanos) {
    }

    Session register(String url, int index, String email) throws IOException, InterruptedException {
        post(url + "/api/users/register/", Map.of("email", email, "first_name", "Soak", "last_name", "Tester", "password", PASSWORD,
                "password_confirm", PASSWORD));
        return session(index, post(url + "/api/users/login/", Map.of("email", email, "password", PASSWORD)));
    }

    /** Rotates the session's refresh token for new tokens. */
    Session refresh(String url, Session session) throws IOException, InterruptedException {
        return session(session.index(), post(url + "/api/users/token/refresh/", Map.of("refresh_token", session.refreshToken())));
    }

    private static Session session(int index, JsonNode answer) {
        JsonNode data = answer.path("data");
        return new Session(index, data.path("id").asLong(), data.path("tokens").path("access_token").asText(),
                data.path("tokens").path("refresh_token").asText(), System.nanoTime());
    }

    private JsonNode post(String url, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
