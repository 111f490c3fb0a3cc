package org.chatsuite.chat.message;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.chatsuite.web.Timestamps;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The message object of the API contract. Its time is the time Redis gave it an id. */
@RegisterForReflection
public record MessageView(String id, UUID conversationId, long senderId, String senderName, String senderEmail,
        String content, BigDecimal timestamp, String createdAt, String clientId) {

    /** From a history stream entry. */
    public static MessageView of(UUID conversationId, String id, Map<String, String> fields) {
        return new MessageView(id, conversationId, Long.parseLong(fields.get("sender_id")), fields.get("sender_name"),
                fields.get("sender_email"), fields.get("content"), seconds(MessageIds.millis(id)),
                Timestamps.iso(Instant.ofEpochMilli(MessageIds.millis(id))), fields.get("client_id"));
    }

    /** From the JSON the append script publishes. */
    public static MessageView of(Appended appended) {
        return new MessageView(appended.id(), appended.conversationId(), appended.senderId(), appended.senderName(),
                appended.senderEmail(), appended.content(), seconds(appended.timestampMs()),
                Timestamps.iso(Instant.ofEpochMilli(appended.timestampMs())), appended.clientId());
    }

    private static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis, 3);
    }

    /** What the append script returns and publishes. */
    @RegisterForReflection
    public record Appended(String id, UUID conversationId, long senderId, String senderName, String senderEmail,
            String content, String clientId, long timestampMs) {
    }
}
