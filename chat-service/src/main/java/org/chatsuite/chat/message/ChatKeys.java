package org.chatsuite.chat.message;

import java.util.UUID;

/** The Redis keys of chat-service (the real-time channels are the protocol's: realtime/Envelope). */
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

    /** A sorted set of socket leases (redis/presence.lua); the older ":presence" hash of counters is not read any more. */
    public static String presence(UUID conversation) {
        return "chat:conv:" + conversation + ":presence-leases";
    }

    /** A user's budget of WebSocket frames (redis/budget.lua), shared by all their sockets. */
    public static String frameBudget(long user) {
        return "chat:user:" + user + ":frame-budget";
    }

    public static String idempotency(UUID conversation, long sender, String clientId) {
        return "chat:conv:" + conversation + ":cid:" + sender + ":" + clientId;
    }
}
