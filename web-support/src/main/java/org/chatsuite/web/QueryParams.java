package org.chatsuite.web;

import java.util.regex.Pattern;

/** Parsing of numeric query and path parameters into clear 400s instead of 404s or 500s. */
public final class QueryParams {

    /** What Integer.parseInt refuses among these is out of range, not malformed. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

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

    /**
     * Any whole number, or the fallback when missing; numbers beyond the int range saturate at its
     * bounds (callers clamp them), anything else is a 400.
     */
    public static int anyInt(String name, String raw, int fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String number = raw.strip();
        if (!WHOLE_NUMBER.matcher(number).matches()) {
            throw ApiException.badParameter(name + " must be a whole number");
        }
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException outOfRange) {
            return number.startsWith("-") ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
    }

    /** A page size clamped as the Django-era API did: missing, zero or negative → the default, above the maximum → the maximum. */
    public static int pageLimit(String raw, int defaultLimit, int maxLimit) {
        int limit = anyInt("limit", raw, defaultLimit);
        return limit <= 0 ? defaultLimit : Math.min(limit, maxLimit);
    }

    /** A page offset clamped as the Django-era API did: missing or negative → 0; callers bound large ones. */
    public static int pageOffset(String raw) {
        return Math.max(0, anyInt("offset", raw, 0));
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
