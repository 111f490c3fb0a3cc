package org.chatsuite.chat.conversation;

import java.util.ArrayList;
import java.util.List;

import org.chatsuite.web.QueryParams;
import org.chatsuite.web.Validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The body of {@code POST /api/chat/conversations/}, read field by field from any JSON so that a
 * wrongly typed field is a validation error naming it, and every such field is reported at once.
 * (Participant rules that need the ids themselves, such as duplicates or unknown users, follow in
 * {@link ConversationService}.)
 */
record NewConversation(List<Long> participantIds, String name) {

    static final int MAX_NAME = 255;

    static NewConversation parse(JsonNode body) {
        JsonNode fields = body != null && body.isObject() ? body : MissingNode.getInstance();
        Validation validation = new Validation();
        List<Long> ids = participantIds(fields.path("participant_ids"), validation);
        String name = name(fields.path("name"), validation);
        validation.throwIfInvalid();
        return new NewConversation(ids, name);
    }

    private static List<Long> participantIds(JsonNode node, Validation validation) {
        if (node.isMissingNode() || node.isNull()) {
            validation.reject("participant_ids", "This field is required.");
            return List.of();
        }
        if (!node.isArray()) {
            validation.reject("participant_ids", "Must be a list of user ids.");
            return List.of();
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : node) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() <= 0) {
                validation.reject("participant_ids", "Must contain only positive integer user ids.");
                return List.of();
            }
            ids.add(id.longValue());
        }
        return ids;
    }

    /** The trimmed name; null when absent or blank. */
    private static String name(JsonNode node, Validation validation) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            validation.reject("name", "Must be a string.");
            return null;
        }
        String name = node.textValue().strip();
        if (QueryParams.hasControlCharacters(name)) {
            validation.reject("name", "Must not contain control characters.");
        } else if (name.length() > MAX_NAME) {
            validation.reject("name", "Must be at most " + MAX_NAME + " characters.");
        }
        return name.isEmpty() ? null : name;
    }
}
