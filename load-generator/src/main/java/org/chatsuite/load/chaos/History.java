package org.chatsuite.load.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A conversation's history over REST, paged forward with the {@code after} cursor (docs/API.md). */
final class History {

    /** Sorts before every message id, so paging after it starts at the oldest message. */
    static final String BEGINNING = "0-0";
    private static final int PAGE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    History(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Every message after {@code afterId}, oldest first (each a message object of the REST API). */
    List<JsonNode> after(String conversationId, String token, String afterId) throws IOException, InterruptedException {
        List<JsonNode> messages = new ArrayList<>();
        String cursor = afterId;
        while (true) {
            JsonNode data = page(conversationId, token, cursor).path("data");
            data.path("messages").forEach(messages::add);
            if (!data.path("has_more").asBoolean() || data.path("messages").isEmpty()) {
                return messages;
            }
            cursor = messages.get(messages.size() - 1).path("id").asText();
        }
    }

    private JsonNode page(String conversationId, String token, String cursor) throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + "/api/chat/conversations/" + conversationId + "/messages/?limit=" + PAGE + "&after=" + cursor);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
