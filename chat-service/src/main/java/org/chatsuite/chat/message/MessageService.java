package org.chatsuite.chat.message;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.realtime.RealtimeEvents;
import org.chatsuite.web.Timestamps;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** Sending and reading, the same for REST and WebSocket clients. */
@ApplicationScoped
public class MessageService {

    public static final int MAX_CLIENT_ID = 64;

    private final MessageStore store;
    private final RealtimeEvents events;
    private final int maxLength;

    MessageService(MessageStore store, RealtimeEvents events, ChatConfig config) {
        this.store = store;
        this.events = events;
        this.maxLength = config.messages().maxLength();
    }

    /** Why a message cannot be sent; {@code code} is the WebSocket error code (docs/PROTOCOL.md#limits-and-errors). */
    public static final class Rejected extends RuntimeException {
        private final String code;
        private final String field;

        Rejected(String code, String field, String message) {
            super(message, null, false, false);
            this.code = code;
            this.field = field;
        }

        public String code() {
            return code;
        }

        public String field() {
            return field;
        }
    }

    /**
     * Validates and stores a message given as JSON ({@code content}, optional {@code client_id}: a
     * REST body and a WebSocket frame have the same fields); delivery to every socket follows from
     * the store's publish.
     *
     * @throws Rejected for missing, empty or too long content, content with control or bidi override
     *         characters, or an unusable client_id
     */
    public Uni<MessageStore.Appended> send(UUID conversation, MessageStore.Sender sender, JsonNode message,
            Set<Long> participants) {
        JsonNode content = message.path("content");
        JsonNode clientId = message.path("client_id");
        if (!content.isMissingNode() && !content.isNull() && !content.isTextual()) {
            throw new Rejected("empty_content", "content", "Message content must be a string.");
        }
        if (!clientId.isMissingNode() && !clientId.isNull() && !clientId.isTextual()) {
            throw new Rejected("invalid_client_id", "client_id", "client_id must be a string.");
        }
        return send(conversation, sender, content.isTextual() ? content.asText() : null,
                clientId.isTextual() ? clientId.asText() : null, participants);
    }

    private Uni<MessageStore.Appended> send(UUID conversation, MessageStore.Sender sender, String content,
            String clientId, Set<Long> participants) {
        String text = content == null ? "" : content.strip();
        if (text.isEmpty()) {
            throw new Rejected("empty_content", "content", "Message content must not be empty.");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new Rejected("content_too_long", "content", "Message content must be at most " + maxLength + " characters.");
        }
        if (hasControlCharacters(text)) {
            throw new Rejected("invalid_content", "content",
                    "Message content must not contain control characters other than tabs and line breaks.");
        }
        if (text.chars().anyMatch(MessageService::isBidiOverride)) {
            throw new Rejected("invalid_content", "content",
                    "Message content must not contain bidirectional override or isolate characters.");
        }
        if (clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID)) {
            throw new Rejected("invalid_client_id", "client_id", "client_id must be 1 to " + MAX_CLIENT_ID + " characters.");
        }
        return store.append(conversation, sender, text, clientId, participants);
    }

    /**
     * Control characters (Unicode category Cc: C0, DEL, C1) other than tab, line feed and the
     * carriage return of a CRLF line ending, which some clients send. A lone carriage return or an
     * escape sequence can rewrite what a terminal or a log viewer shows.
     */
    private static boolean hasControlCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            if (Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && !crlf) {
                return true;
            }
        }
        return false;
    }

    /**
     * Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069) make text display in
     * another order than it was written ("txt", U+202E, "gpj.exe" looks like "txtexe.jpg"). The marks
     * U+200E, U+200F and U+061C, which right-to-left text needs, stay allowed.
     */
    private static boolean isBidiOverride(int c) {
        return c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }

    /**
     * Marks the conversation read for {@code user}: resets the unread count and tells the other
     * participants up to which message ({@code lastReadId}, default: the newest) the user has read.
     */
    public Uni<RealtimeEvents.Read> markRead(UUID conversation, long user, String lastReadId) {
        Uni<String> upTo = lastReadId != null ? Uni.createFrom().item(lastReadId)
                : store.last(conversation).map(last -> last.map(MessageView::id).orElse(null));
        return upTo.chain(id -> store.resetUnread(conversation, user)
                .chain(() -> {
                    RealtimeEvents.Read read = new RealtimeEvents.Read(user, id, Timestamps.iso(Instant.now()));
                    return events.toOthers(conversation, user, read).replaceWith(read);
                }));
    }
}
