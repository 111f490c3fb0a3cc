package org.chatsuite.chat.realtime;

import org.chatsuite.chat.message.MessageIds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A frame from the client (docs/PROTOCOL.md#frames-from-the-client), decoded in one place. Fields
 * are read leniently as the protocol promises (unknown fields ignored, {@code is_typing} defaults
 * to true); a frame that cannot be one of these is {@link Refused} with the error frame's code.
 */
sealed interface InboundFrame {

    /** A message to store. Its fields are checked by MessageService, the same way as a REST body. */
    record Message(JsonNode fields) implements InboundFrame {
    }

    record Typing(boolean isTyping) implements InboundFrame {
    }

    /** {@code lastReadId} null: up to the newest message. */
    record Read(String lastReadId) implements InboundFrame {
    }

    record Resume(String lastId) implements InboundFrame {
    }

    record Ping() implements InboundFrame {
    }

    /** A newer access token for this socket (see TokenWatch). */
    record Auth(String token) implements InboundFrame {
    }

    /** Why a frame was not accepted: {@code code} and message of the error frame that answers it. */
    final class Refused extends Exception {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    static InboundFrame decode(ObjectMapper json, String text) throws Refused {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Refused("invalid_json", "Frame is not valid JSON");
        }
        if (frame == null || !frame.isObject()) {
            throw new Refused("invalid_json", "Frame must be a JSON object");
        }
        String type = frame.path("type").asText("");
        return switch (type) {
            case "message" -> new Message(frame);
            case "typing" -> new Typing(frame.path("is_typing").asBoolean(true));
            case "read" -> {
                String lastReadId = frame.hasNonNull("last_read_id") ? frame.get("last_read_id").asText() : null;
                if (lastReadId != null && !MessageIds.isWellFormed(lastReadId)) {
                    throw new Refused("invalid_json", "last_read_id must be a message id");
                }
                yield new Read(lastReadId);
            }
            case "resume" -> {
                String lastId = frame.path("last_id").asText(null);
                if (!MessageIds.isWellFormed(lastId)) {
                    throw new Refused("invalid_json", "resume needs last_id, a message id");
                }
                yield new Resume(lastId);
            }
            case "ping" -> new Ping();
            case "auth" -> {
                if (!frame.path("token").isTextual()) {
                    throw new Refused("invalid_token", "auth needs token, an access token");
                }
                yield new Auth(frame.get("token").asText());
            }
            default -> throw new Refused("unknown_type", "Unknown frame type '" + abbreviate(type) + "'");
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }
}
