package org.chatsuite.chat.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.realtime.Envelope;
import org.chatsuite.web.LuaScript;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.smallrye.mutiny.Uni;

/**
 * Messages live in Redis only: one stream per conversation (ids that sort, range reads, trimming),
 * unread counters in a hash, last activity in a sorted set.
 */
@ApplicationScoped
public class MessageStore {

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ObjectMapper json;
    private final ChatConfig.Messages config;
    private final LuaScript appendScript = LuaScript.load("/redis/append-message.lua");

    MessageStore(ReactiveRedisDataSource redis, ObjectMapper json, ChatConfig config) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.hashes = redis.hash(String.class);
        this.json = json;
        this.config = config.messages();
    }

    public record Sender(long id, String name, String email) {
    }

    /** A stored message; {@code duplicate} when its client_id had been sent before (nothing new was stored). */
    public record Appended(String id, MessageJson message, boolean duplicate) {
    }

    /** Stores, counts and publishes one message in a single atomic step. */
    public Uni<Appended> append(UUID conversation, Sender sender, String content, String clientId, Set<Long> participants) {
        long oldestKept = Instant.now().minus(config.retention()).toEpochMilli();
        List<String> keys = List.of(ChatKeys.history(conversation), ChatKeys.unread(conversation),
                clientId == null ? "" : ChatKeys.idempotency(conversation, sender.id(), clientId), ChatKeys.ACTIVITY);
        List<String> args = new ArrayList<>();
        args.add(conversation.toString());
        args.add(String.valueOf(sender.id()));
        args.add(sender.name());
        args.add(sender.email());
        args.add(content);
        args.add(clientId == null ? "" : clientId);
        args.add(String.valueOf(config.maxPerConversation()));
        args.add(String.valueOf(oldestKept));
        args.add(String.valueOf(config.idempotencyWindow().toSeconds()));
        args.add(String.valueOf(config.retention().toMillis()));
        args.add(Envelope.channel(conversation));
        participants.forEach(p -> args.add(String.valueOf(p)));
        return appendScript.run(redis, keys, args).chain(response -> {
            String id = response.get(1).toString();
            if (!"dup".equals(response.get(0).toString())) {
                // The script's JSON is the answer as it is; the frame went out with its publish.
                return Uni.createFrom().item(new Appended(id, new MessageJson(response.get(2).toString()), false));
            }
            return original(conversation, id, sender, content, clientId);
        });
    }

    /**
     * The message a repeated client_id first sent, read from history by the id its idempotency key
     * holds. If history has trimmed it since (retention, or the cap of a busy conversation within the
     * idempotency window), the answer is rebuilt from what is left: its id and time, this sender,
     * and the content of the repeat (a client repeats a message with the content it first sent).
     */
    private Uni<Appended> original(UUID conversation, String stored, Sender sender, String content, String clientId) {
        if (stored.startsWith("{")) {
            // A key written before keys held only the id (the whole message): none is left one idempotency window
            // after the upgrade, and then this branch can go.
            MessageView legacy = MessageView.of(parseAppended(stored));
            return Uni.createFrom().item(new Appended(legacy.id(), json(legacy), true));
        }
        return streams.xrange(ChatKeys.history(conversation), StreamRange.of(stored, stored), 1)
                .map(entries -> new Appended(stored, MessageJson.of(conversation.toString(), stored, entries.isEmpty()
                        ? Map.of("sender_id", String.valueOf(sender.id()), "sender_name", sender.name(),
                                "sender_email", sender.email(), "content", content, "client_id", clientId)
                        : entries.get(0).payload()), true));
    }

    /** The JSON of a message object built in memory (only on paths where it was not written by the script). */
    public MessageJson json(MessageView message) {
        try {
            return new MessageJson(json.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses the JSON that the append script of the previous version published and returned. */
    public MessageView.Appended parseAppended(String appendedJson) {
        try {
            return json.readValue(appendedJson, MessageView.Appended.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable message from Redis", e);
        }
    }

    /**
     * Messages after {@code lastId} in history order, at most {@code max}, as the stream's entries
     * (written without a view per message: {@link MessageJson}).
     */
    public Uni<List<StreamMessage<String, String, String>>> entriesAfter(UUID conversation, String lastId, int max) {
        return streams.xrange(ChatKeys.history(conversation), StreamRange.of("(" + lastId, "+"), max);
    }

    /** The newest {@code max} messages before {@code beforeId} (or the newest of all), newest first. */
    public Uni<List<MessageView>> newestBefore(UUID conversation, String beforeId, int max) {
        return entriesNewestBefore(conversation, beforeId, max).map(entries -> views(conversation, entries));
    }

    /** {@link #newestBefore} as the stream's entries. */
    public Uni<List<StreamMessage<String, String, String>>> entriesNewestBefore(UUID conversation, String beforeId, int max) {
        if ("0-0".equals(beforeId)) {
            return Uni.createFrom().item(List.of()); // nothing sorts before the smallest id
        }
        String end = beforeId == null ? "+" : "(" + beforeId;
        return streams.xrevrange(ChatKeys.history(conversation), StreamRange.of(end, "-"), max);
    }

    public Uni<Long> count(UUID conversation) {
        return streams.xlen(ChatKeys.history(conversation));
    }

    public Uni<Optional<MessageView>> last(UUID conversation) {
        return newestBefore(conversation, null, 1).map(list -> list.stream().findFirst());
    }

    public Uni<Long> unread(UUID conversation, long user) {
        return hashes.hget(ChatKeys.unread(conversation), String.valueOf(user))
                .map(count -> count == null ? 0L : Math.max(0L, Long.parseLong(count)));
    }

    /** Resets the user's unread count. */
    public Uni<Void> resetUnread(UUID conversation, long user) {
        return hashes.hset(ChatKeys.unread(conversation), String.valueOf(user), "0").replaceWithVoid();
    }

    private static List<MessageView> views(UUID conversation, List<StreamMessage<String, String, String>> entries) {
        List<MessageView> views = new ArrayList<>(entries.size());
        for (StreamMessage<String, String, String> entry : entries) {
            views.add(MessageView.of(conversation, entry.id(), entry.payload()));
        }
        return views;
    }
}
