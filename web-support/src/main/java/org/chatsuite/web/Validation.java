package org.chatsuite.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects every failing field of a request so that all of them are reported at once. */
public final class Validation {

    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    public Validation reject(String field, String message) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
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
