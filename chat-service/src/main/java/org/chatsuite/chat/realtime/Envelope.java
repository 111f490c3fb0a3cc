package org.chatsuite.chat.realtime;

import java.util.UUID;

/**
 * The pub/sub side of the real-time protocol, in one place: the channel of a conversation and the
 * payloads published on it. Every replica with a socket in a conversation subscribes to its channel
 * ({@link FanOut}); what is published there is a finished frame, serialized once, behind a one-letter
 * audience prefix:
 * <ul>
 * <li>{@code F<id>:<frame>}: a stored message's frame, for every socket, written once by
 * {@code redis/append-message.lua} in the same atomic step as the append, which is what keeps every
 * replica's order the history's order (the script therefore writes this envelope itself). The id
 * in front lets a replica order and de-duplicate the frame without parsing it.</li>
 * <li>{@code M<message JSON>}: what a replica of the previous version publishes for a stored message
 * (the script's own JSON, not the API's message object), decoded while versions are mixed during an
 * upgrade. Remove once no replica of that version runs.</li>
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
    sealed interface Payload permits Message, LegacyMessage, ToOthers {
    }

    /** A stored message's finished frame, as the append script wrote it. */
    record Message(String id, String frame) implements Payload {
    }

    /** A stored message from a replica of the previous version, as its append script serialized it. */
    record LegacyMessage(String json) implements Payload {
    }

    /** A finished frame for every socket except those of {@code except}. */
    record ToOthers(long except, String frame) implements Payload {
    }

    /** @throws IllegalArgumentException for a payload of no known shape */
    static Payload decode(String payload) {
        int colon = payload.indexOf(':');
        if (payload.startsWith("F") && colon > 1) {
            return new Message(payload.substring(1, colon), payload.substring(colon + 1));
        }
        if (payload.startsWith("M")) {
            return new LegacyMessage(payload.substring(1));
        }
        if (payload.startsWith("O") && colon > 1) {
            return new ToOthers(Long.parseLong(payload, 1, colon, 10), payload.substring(colon + 1));
        }
        throw new IllegalArgumentException("unknown event envelope");
    }
}
