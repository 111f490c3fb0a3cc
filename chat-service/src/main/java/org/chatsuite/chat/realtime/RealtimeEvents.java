package org.chatsuite.chat.realtime;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Publishes ephemeral events (typing, read, presence) to the other participants' sockets on every
 * replica, in the {@link Envelope} of a conversation's channel. (Messages are published by the append
 * script.)
 */
@ApplicationScoped
public class RealtimeEvents {

    private static final Logger LOG = Logger.getLogger(RealtimeEvents.class);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    RealtimeEvents(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    /** To every socket of the conversation except {@code user}'s own. */
    public Uni<Void> toOthers(UUID conversation, long user, Object frame) {
        return redis.execute("PUBLISH", Envelope.channel(conversation), Envelope.toOthers(user, encode(frame)))
                .onFailure().invoke(e -> LOG.warnf("could not publish an event of %s: %s", conversation, e.toString()))
                .replaceWithVoid();
    }

    String encode(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterForReflection
    public record Typing(String type, long userId, String userName, boolean isTyping) {
        public Typing(long userId, String userName, boolean isTyping) {
            this("typing", userId, userName, isTyping);
        }
    }

    @RegisterForReflection
    public record Read(String type, long userId, String lastReadId, String readAt) {
        public Read(long userId, String lastReadId, String readAt) {
            this("read", userId, lastReadId, readAt);
        }
    }

    @RegisterForReflection
    public record Presence(String type, long userId, boolean online) {
        public Presence(long userId, boolean online) {
            this("presence", userId, online);
        }
    }
}
