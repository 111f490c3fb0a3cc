package org.chatsuite.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.chatsuite.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Message content may not carry control or bidirectional override characters, over REST and WebSocket alike. */
@QuarkusTest
class MessageContentTest {

    private static final String CONTROL = "Message content must not contain control characters other than tabs and line breaks.";
    private static final String BIDI = "Message content must not contain bidirectional override or isolate characters.";

    private static final List<String> CONTROL_CHARACTERS = List.of("a\u0000b", "bell\u0007", "esc\u001b[31mred", "a\rb",
            "lone\r carriage return", "a\u000bb", "a\u007fb", "a\u009bb");
    private static final List<String> BIDI_CHARACTERS = List.of("txt.\u202Eexe", "\u202Aa", "\u202Bb", "\u202Cc", "\u202Dd",
            "\u2066x\u2069", "\u2067y", "\u2068z");

    private static String path(String conversation) {
        return "/api/chat/conversations/" + conversation + "/messages/";
    }

    @Test
    void restRefusesControlAndBidiOverrideCharacters() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        for (String content : CONTROL_CHARACTERS) {
            ada.api().contentType(ContentType.JSON).body(Map.of("content", content)).when().post(path(c))
                    .then().statusCode(400).body("code", equalTo("validation_error"))
                    .body("errors.content", hasItem(CONTROL));
        }
        for (String content : BIDI_CHARACTERS) {
            ada.api().contentType(ContentType.JSON).body(Map.of("content", content)).when().post(path(c))
                    .then().statusCode(400).body("code", equalTo("validation_error"))
                    .body("errors.content", hasItem(BIDI));
        }
        assertThat(ada.api().when().get(path(c)).then().extract().<Integer>path("data.total")).isZero();
    }

    @Test
    void tabsLineBreaksAndRightToLeftTextAreKept() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        // CRLF line endings (sent by some Windows clients) are kept as sent; the marks U+200E/U+200F belong to RTL text.
        for (String content : List.of("line 1\nline 2\tcolumn", "windows\r\nline endings", "שלום\u200F עולם", "مرحبا\u061C!")) {
            ada.api().contentType(ContentType.JSON).body(Map.of("content", content)).when().post(path(c))
                    .then().statusCode(201).body("data.content", equalTo(content));
        }
    }

    @Test
    void webSocketGetsAnInvalidContentErrorFrameAndStaysOpen() {
        Users.User ada = Users.create("Ada");
        Users.User bob = Users.create("Bob");
        String c = Users.conversation(ada, bob);
        try (WsClient socket = WsClient.connect("ws://127.0.0.1:" + RestAssured.port + "/ws/chat/" + c, ada.token())) {
            assertThat(socket.next().path("type").asText()).isEqualTo("connection_established");
            socket.send(Map.of("type", "message", "content", "a\u0000b"));
            JsonNode control = socket.next();
            assertThat(control.path("type").asText()).isEqualTo("error");
            assertThat(control.path("code").asText()).isEqualTo("invalid_content");
            assertThat(control.path("message").asText()).isEqualTo(CONTROL);
            socket.send(Map.of("type", "message", "content", "txt.\u202Eexe"));
            JsonNode bidi = socket.next();
            assertThat(bidi.path("code").asText()).isEqualTo("invalid_content");
            assertThat(bidi.path("message").asText()).isEqualTo(BIDI);
            socket.send(Map.of("type", "ping"));
            assertThat(socket.next().path("type").asText()).isEqualTo("pong");
        }
        assertThat(ada.api().when().get(path(c)).then().extract().<Integer>path("data.total")).isZero();
    }
}
