package org.chatsuite.user.account;

import java.util.regex.Pattern;

import org.chatsuite.web.Validation;

/** Person names: 2–50 characters after trimming; letters of any script, spaces, '-' and '\''. */
public final class NameRules {

    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M} '\\-]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*\\p{L}.*");

    private NameRules() {
    }

    /** Checks {@code raw} and returns it trimmed (or null when it was rejected). */
    public static String check(Validation validation, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            validation.reject(field, "This field is required.");
            return null;
        }
        String name = raw.strip();
        int length = name.codePointCount(0, name.length());
        if (length < 2 || length > 50) {
            validation.reject(field, "Must be between 2 and 50 characters.");
        }
        if (!ALLOWED.matcher(name).matches() || !HAS_LETTER.matcher(name).matches()) {
            validation.reject(field, "May contain only letters, spaces, hyphens and apostrophes.");
        }
        return validation.has(field) ? null : name;
    }
}
