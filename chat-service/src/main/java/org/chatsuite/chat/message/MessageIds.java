package org.chatsuite.chat.message;

import java.util.regex.Pattern;

import org.chatsuite.web.ApiException;

/** Message ids are Redis stream ids, {@code <ms>-<seq>}: opaque to clients, but they sort. */
public final class MessageIds {

    private static final Pattern FORMAT = Pattern.compile("\\d{1,19}-\\d{1,19}");

    private MessageIds() {
    }

    public static boolean isWellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    /** Returns the id, or throws 400 naming the parameter when it is not a message id. */
    public static String require(String parameter, String id) {
        if (!isWellFormed(id)) {
            throw ApiException.badParameter(parameter + " must be a message id such as 1767268800123-0");
        }
        return id;
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    public static int compare(String a, String b) {
        int dash = a.indexOf('-');
        int otherDash = b.indexOf('-');
        int byTime = Long.compareUnsigned(Long.parseUnsignedLong(a, 0, dash, 10), Long.parseUnsignedLong(b, 0, otherDash, 10));
        return byTime != 0 ? byTime
                : Long.compareUnsigned(Long.parseUnsignedLong(a, dash + 1, a.length(), 10),
                        Long.parseUnsignedLong(b, otherDash + 1, b.length(), 10));
    }

    public static long millis(String id) {
        return Long.parseLong(id, 0, id.indexOf('-'), 10);
    }
}
