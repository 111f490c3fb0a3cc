package org.chatsuite.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects every failing field of a request so that all of them are reported at once. */
public final class Validation {

    private final Map<String, List<String>> errors = new LinkedHashMap<>();
    private final Set<String> wronglyTyped = new HashSet<>();

    public Validation reject(String field, String message) {
        if (!wronglyTyped.contains(field)) {
            errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
        }
        return this;
    }

    /**
     * Rejects a field whose JSON value has the wrong type. That value is unusable, so this stays the
     * field's only message: what rules say about it afterwards (e.g. "This field is required.")
     * would describe a value the client never sent.
     */
    public Validation rejectWrongType(String field, String message) {
        errors.put(field, List.of(message));
        wronglyTyped.add(field);
        return this;
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    /** Throws a 400 validation error listing every rejected field, if any. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }
}
