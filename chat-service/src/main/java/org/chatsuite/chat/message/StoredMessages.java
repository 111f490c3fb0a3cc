package org.chatsuite.chat.message;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.chatsuite.web.Timestamps;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A page of history as Redis returned it: written as the JSON array of {@link MessageView}s straight
 * from the stream entries' fields, without a view object per message. History is the hottest read of
 * the API; its JSON is the same as {@link MessageView}'s, field for field and in the same order
 * (MessageTest compares them).
 */
@JsonSerialize(using = StoredMessages.Writer.class)
@RegisterForReflection
public record StoredMessages(UUID conversationId, List<StreamMessage<String, String, String>> entries) {

    public int size() {
        return entries.size();
    }

    static final class Writer extends JsonSerializer<StoredMessages> {

        @Override
        public void serialize(StoredMessages page, JsonGenerator out, SerializerProvider provider) throws IOException {
            String conversation = page.conversationId().toString();
            out.writeStartArray();
            for (StreamMessage<String, String, String> entry : page.entries()) {
                Map<String, String> fields = entry.payload();
                long millis = MessageIds.millis(entry.id());
                out.writeStartObject();
                out.writeStringField("id", entry.id());
                out.writeStringField("conversation_id", conversation);
                out.writeNumberField("sender_id", Long.parseLong(fields.get("sender_id")));
                out.writeStringField("sender_name", fields.get("sender_name"));
                out.writeStringField("sender_email", fields.get("sender_email"));
                out.writeStringField("content", fields.get("content"));
                out.writeNumberField("timestamp", BigDecimal.valueOf(millis, 3));
                out.writeStringField("created_at", Timestamps.iso(Instant.ofEpochMilli(millis)));
                out.writeStringField("client_id", fields.get("client_id"));
                out.writeEndObject();
            }
            out.writeEndArray();
        }
    }
}
