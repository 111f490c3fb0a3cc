package org.chatsuite.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A JSON object request body, read field by field. Bound straight to a record, one wrongly typed
 * field fails the whole body as malformed_json and hides every other problem, and Jackson quietly
 * turns numbers and booleans into strings. Read here, a wrong type is one more validation error of
 * its own field, reported with all the others.
 */
public final class JsonFields {

    private final JsonNode body;
    private final Validation validation;

    private JsonFields(JsonNode body, Validation validation) {
        this.body = body;
        this.validation = validation;
    }

    /**
     * An empty body reads as an object without fields (so missing fields are reported as such);
     * anything but a JSON object is malformed_json.
     */
    public static JsonFields of(JsonNode body, Validation validation) {
        if (body == null) {
            return new JsonFields(JsonNodeFactory.instance.objectNode(), validation);
        }
        if (!body.isObject()) {
            throw new ApiException(400, "malformed_json", "Request body must be a JSON object");
        }
        return new JsonFields(body, validation);
    }

    /**
     * The field's text, or null when it is absent or JSON null. Any other JSON type is rejected as
     * "Must be a string." and reads as null too.
     */
    public String string(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            validation.rejectWrongType(field, "Must be a string.");
            return null;
        }
        return value.textValue();
    }
}
