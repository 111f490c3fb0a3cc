package org.chatsuite.chat.message;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A page of history as Redis returned it: written as the JSON array of {@link MessageView}s straight
 * from the stream entries' fields ({@link MessageJson#write}), without a view object per message.
 * History is the hottest read of the API; its JSON is the same as {@link MessageView}'s, field for
 * field and in the same order (MessageTest compares them).
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
                MessageJson.write(out, conversation, entry.id(), entry.payload());
            }
            out.writeEndArray();
        }
    }
}
