package org.chatsuite.chat.message;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
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
     * @throws Rejected for missing, empty or too long content or an unusable client_id
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
        if (clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID)) {
            throw new Rejected("invalid_client_id", "client_id", "client_id must be 1 to " + MAX_CLIENT_ID + " characters.");
        }
        return store.append(conversation, sender, text, clientId, participants);
    }

    /**
     * Marks the conversation read for {@code user} up to {@code lastReadId} (default: its newest
     * message), resets the unread count and tells the other participants.
     */
    public Uni<RealtimeEvents.Read> markRead(UUID conversation, long user, String lastReadId) {
        Uni<String> upTo = lastReadId != null ? Uni.createFrom().item(lastReadId)
                : store.last(conversation).map(last -> last.map(MessageView::id).orElse(null));
        return upTo.chain(id -> store.markRead(conversation, user, id)
                .chain(() -> {
                    RealtimeEvents.Read read = new RealtimeEvents.Read(user, id, Timestamps.iso(Instant.now()));
                    return events.toOthers(conversation, user, read).replaceWith(read);
                }));
    }
}
