package org.chatsuite.chat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code chatsuite.*} setting of chat-service (environment: {@code CHATSUITE_...}). */
@ConfigMapping(prefix = "chatsuite")
public interface ChatConfig {

    Messages messages();

    Websocket websocket();

    ConversationCreate conversationCreate();

    interface Messages {
        /** Messages older than this are trimmed from a conversation's history. */
        @WithDefault("30D")
        Duration retention();

        /** At most this many messages are kept per conversation (approximately: trimming is amortised). */
        @WithDefault("10000")
        int maxPerConversation();

        @WithDefault("5000")
        int maxLength();

        /** How long a repeated client_id returns the original message instead of a new one. */
        @WithDefault("24H")
        Duration idempotencyWindow();
    }

    /**
     * The per-user budget for creating conversations (GCRA, shared by all replicas through Redis): a
     * burst of {@code limit}, then one every {@code period / limit}. Finding an existing 1-on-1 is free.
     */
    interface ConversationCreate {
        /** Conversations one user may create per period; 0 turns the budget off. */
        @WithDefault("30")
        int limit();

        @WithDefault("1H")
        Duration period();
    }

    interface Websocket {
        /** Replaying more than this many missed messages sends resync_required instead. */
        @WithDefault("1000")
        int replayLimit();

        /**
         * Sustained rate of WebSocket messages (client frames of every type) per user, over all their
         * sockets on every replica, per second.
         */
        @WithDefault("20")
        double messageRate();

        /** Burst of client frames per user; also how many refused within 10 s close a socket (1008). */
        @WithDefault("40")
        int messageBurst();

        /**
         * How long a socket counts as present without its replica renewing it (every third of this):
         * the longest a crashed replica's users stay "online".
         */
        @WithDefault("60S")
        Duration presenceLease();

        /**
         * What may wait unwritten for one socket (a client that stops reading): beyond either bound the
         * socket is closed with 1013 and the client resumes with last_id after reconnecting.
         */
        @WithDefault("1048576")
        long outboundMaxBytes();

        @WithDefault("2000")
        int outboundMaxFrames();

        /**
         * Origins allowed to open a socket authenticated by the cookie (cross-site WebSocket hijacking).
         * Read by web-support's TokenCarriers; declared here so that the setting belongs to this mapping.
         */
        Optional<List<String>> allowedOrigins();
    }
}
