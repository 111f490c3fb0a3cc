package org.chatsuite.web;


/** Parsing of numeric query and path parameters into clear 400s instead of 404s or 500s. */
public final class QueryParams {

    private QueryParams() {
    }

    public static int nonNegativeInt(String name, String raw, int fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value < 0) {
                throw ApiException.badParameter(name + " must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name + " must be a whole number");
        }
    }

    /** Text parameters must not carry control characters (PostgreSQL refuses NUL outright). */
    public static String text(String name, String raw) {
        if (raw != null && hasControlCharacters(raw)) {
            throw ApiException.badParameter(name + " must not contain control characters");
        }
        return raw;
    }

    public static boolean hasControlCharacters(String s) {
        return s.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f);
    }

    /** Any whole number (callers clamp it), or 400 when it is not one. */
    public static int anyInt(String name, String raw, int fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name + " must be a whole number");
        }
    }

    public static long positiveId(String name, String raw) {
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badParameter(name + " must contain positive integer user ids, got '" + abbreviate(raw) + "'");
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "…" : raw;
    }
}
