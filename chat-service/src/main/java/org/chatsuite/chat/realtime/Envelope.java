package org.chatsuite.chat.realtime;

import java.util.UUID;

/**
 * The pub/sub side of the real-time protocol, in one place: the channel of a conversation and the
 * payloads published on it. Every replica with a socket in a conversation subscribes to its channel
 * ({@link FanOut}); what is published there is a finished frame, serialized once, behind a one-letter
 * audience prefix:
 * <ul>
 * <li>{@code M<message JSON>}: a stored message, for every socket. Published by
 * {@code redis/append-message.lua} in the same atomic step as the append, which is what keeps every
 * replica's order the history's order; the script therefore writes this prefix itself.</li>
 * <li>{@code O<user>:<frame>}: an ephemeral event (typing, read, presence) for every socket but that
 * user's.</li>
 * </ul>
 */
public final class Envelope {

    private static final String CHANNEL_PREFIX = "chat:conv:";
    private static final String CHANNEL_SUFFIX = ":events";

    private Envelope() {
    }

    /** Pub/sub channel of every real-time event of one conversation. */
    public static String channel(UUID conversation) {
        return CHANNEL_PREFIX + conversation + CHANNEL_SUFFIX;
    }

    /** The conversation of a {@link #channel(UUID)}; {@code null} for any other channel. */
    static UUID conversationOf(String channel) {
        if (!channel.startsWith(CHANNEL_PREFIX) || !channel.endsWith(CHANNEL_SUFFIX)) {
            return null;
        }
        try {
            return UUID.fromString(channel.substring(CHANNEL_PREFIX.length(), channel.length() - CHANNEL_SUFFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String toOthers(long user, String frame) {
        return "O" + user + ":" + frame;
    }

    /** What a payload published on a conversation's channel carries. */
    sealed interface Payload permits Message, ToOthers {
    }

    /** A stored message, as the append script serialized it. */
    record Message(String json) implements Payload {
    }

    /** A finished frame for every socket except those of {@code except}. */
    record ToOthers(long except, String frame) implements Payload {
    }

    /** @throws IllegalArgumentException for a payload of no known shape */
    static Payload decode(String payload) {
        if (payload.startsWith("M")) {
            return new Message(payload.substring(1));
        }
        int colon = payload.indexOf(':');
        if (payload.startsWith("O") && colon > 1) {
            return new ToOthers(Long.parseLong(payload, 1, colon, 10), payload.substring(colon + 1));
        }
        throw new IllegalArgumentException("unknown event envelope");
    }
}
