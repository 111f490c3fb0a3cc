package org.chatsuite.web;

import java.util.UUID;
import java.util.regex.Pattern;

/** The {@code X-Request-Id} rules: keep a client's sane id, otherwise make one. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    public static String saneOrNew(String candidate) {
        return candidate != null && SANE.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
    }
}
