package org.chatsuite.user.auth;

import java.util.Locale;
import java.util.regex.Pattern;

import org.chatsuite.web.QueryParams;
import org.chatsuite.web.Validation;

/** Email and password rules of registration. */
final class CredentialRules {

    private static final Pattern EMAIL = Pattern.compile("[^\\s@\"(),:;<>\\[\\]\\\\]{1,64}@[A-Za-z0-9\\p{L}](?:[A-Za-z0-9\\p{L}-]*[A-Za-z0-9\\p{L}])?(?:\\.[A-Za-z0-9\\p{L}](?:[A-Za-z0-9\\p{L}-]*[A-Za-z0-9\\p{L}])?)+");
    private static final Pattern ALL_DIGITS = Pattern.compile("\\d+");

    private CredentialRules() {
    }

    /** Returns the email trimmed and lower-cased, or null when rejected. */
    static String email(Validation validation, String raw) {
        if (raw == null || raw.isBlank()) {
            validation.reject("email", "This field is required.");
            return null;
        }
        String email = raw.strip().toLowerCase(Locale.ROOT);
        if (email.length() > 254 || !EMAIL.matcher(email).matches() || QueryParams.hasControlCharacters(email)) {
            validation.reject("email", "Enter a valid email address.");
            return null;
        }
        return email;
    }

    static void password(Validation validation, String password, String confirm, String email) {
        if (password == null || password.isEmpty()) {
            validation.reject("password", "This field is required.");
        } else {
            int length = password.codePointCount(0, password.length());
            if (length < 8) {
                validation.reject("password", "Must be at least 8 characters.");
            }
            if (length > 128) {
                validation.reject("password", "Must be at most 128 characters.");
            }
            if (ALL_DIGITS.matcher(password).matches()) {
                validation.reject("password", "Must not be entirely numeric.");
            }
            if (email != null && password.strip().equalsIgnoreCase(email)) {
                validation.reject("password", "Must not be the same as the email address.");
            }
        }
        if (confirm == null || confirm.isEmpty()) {
            validation.reject("password_confirm", "This field is required.");
        } else if (password != null && !password.equals(confirm)) {
            validation.reject("password_confirm", "Passwords do not match.");
        }
    }
}
