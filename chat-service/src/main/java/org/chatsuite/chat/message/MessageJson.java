package org.chatsuite.chat.message;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.chatsuite.web.Timestamps;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A message object of the API as finished JSON text. A message is written once and then passed on
 * as text: a new one by {@code redis/append-message.lua} (the sender's answer and the frame every
 * replica sends), a stored one from its stream entry's fields by {@link #write} (history pages,
 * replays). Both write the same bytes for the same message: the fields of {@link MessageView}, in its
 * order (MessageTest and AppendScriptTest compare them). Only a history page, written by the UTF-8
 * generator of the response, escapes characters beyond the BMP (emoji) as surrogate pairs.
 */
@JsonSerialize(using = MessageJson.Raw.class)
@RegisterForReflection
public record MessageJson(String json) {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String FRAME_START = "{\"type\":\"message\",\"message\":";

    /** {@code {"type":"message","message":<message>}}: the frame of the message, made without parsing it. */
    public String frame() {
        return FRAME_START + json + "}";
    }

    /** A stored message from its stream entry. */
    public static MessageJson of(String conversation, String id, Map<String, String> fields) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            write(out, conversation, id, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return new MessageJson(text.toString());
    }

    /** Writes one message object from its stream entry. */
    static void write(JsonGenerator out, String conversation, String id, Map<String, String> fields) throws IOException {
        long millis = MessageIds.millis(id);
        out.writeStartObject();
        out.writeStringField("id", id);
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

    /** In a response (the sender's answer), the text goes out as it is. */
    static final class Raw extends JsonSerializer<MessageJson> {
        @Override
        public void serialize(MessageJson message, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeRawValue(message.json());
        }
    }
}
