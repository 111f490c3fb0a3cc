package org.chatsuite.chat.message;

import java.util.UUID;

/** The Redis keys and channels of chat-service. */
public final class ChatKeys {

    /** Conversation id -> time (ms) of its last message. */
    public static final String ACTIVITY = "chat:activity";

    private ChatKeys() {
    }

    public static String history(UUID conversation) {
        return "chat:conv:" + conversation + ":log";
    }

    public static String unread(UUID conversation) {
        return "chat:conv:" + conversation + ":unread";
    }

    public static String readMarkers(UUID conversation) {
        return "chat:conv:" + conversation + ":read";
    }

    /** A sorted set of socket leases (redis/presence.lua); the older ":presence" hash of counters is not read any more. */
    public static String presence(UUID conversation) {
        return "chat:conv:" + conversation + ":presence-leases";
    }

    public static String idempotency(UUID conversation, long sender, String clientId) {
        return "chat:conv:" + conversation + ":cid:" + sender + ":" + clientId;
    }

    /** Pub/sub channel of every real-time event of one conversation. */
    public static String events(UUID conversation) {
        return "chat:conv:" + conversation + ":events";
    }
}
