package org.chatsuite.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The contract's timestamp format: ISO-8601 UTC with milliseconds, e.g. {@code 2026-01-01T12:00:00.123Z}. */
public final class Timestamps {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String iso(Instant instant) {
        return instant == null ? null : ISO_MILLIS.format(instant);
    }
}
