package org.chatsuite.gateway.throttle;

/** One throttle rule applied to one subject (a user id or a client IP): {@code perMinute} requests a minute. */
public record Rule(String name, String subject, int perMinute) {

    String key() {
        return "throttle:" + name + ":" + subject;
    }

    /** GCRA's emission interval: one request every this many µs refills the budget by one. */
    long intervalMicros() {
        return 60_000_000L / perMinute;
    }
}
