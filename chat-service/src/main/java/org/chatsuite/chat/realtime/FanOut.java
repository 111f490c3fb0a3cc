package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.chat.message.ChatKeys;
import org.chatsuite.chat.message.MessageStore;
import org.chatsuite.chat.message.MessageView;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Delivers a conversation's events to this replica's sockets. One Redis connection per replica
 * subscribes to exactly the channels of the conversations that have a local socket (SUBSCRIBE on
 * the first, UNSUBSCRIBE after the last). Each message is turned into its frame once per replica,
 * whatever the number of local recipients. After a lost subscription the missed messages are read
 * back from the history, so live sockets see no gap.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);
    private static final int CATCH_UP_LIMIT = 1000;

    private final Redis redis;
    private final MessageStore store;
    private final ObjectMapper json;
    private final Map<UUID, Room> rooms = new ConcurrentHashMap<>();
    private volatile Uni<RedisConnection> connection;
    private volatile boolean stopped;

    FanOut(Redis redis, MessageStore store, ObjectMapper json, MeterRegistry metrics) {
        this.redis = redis;
        this.store = store;
        this.json = json;
        metrics.gauge("chat.sockets.open", rooms, r -> r.values().stream().mapToInt(room -> room.sockets.size()).sum());
        metrics.gauge("chat.subscriptions", rooms, Map::size);
    }

    /** The local sockets of one conversation, and the newest message id they were given. */
    private static final class Room {
        final Set<SocketSession> sockets = ConcurrentHashMap.newKeySet();
        volatile String lastMessageId;
        Uni<Void> subscribed;
    }

    /** Adds a socket; completes once this replica is subscribed to its conversation. */
    public Uni<Void> join(SocketSession session) {
        Room room;
        synchronized (rooms) {
            room = rooms.computeIfAbsent(session.conversation, id -> new Room());
            room.sockets.add(session);
            if (room.subscribed == null) {
                Room joined = room;
                room.subscribed = subscribe(session.conversation)
                        .onFailure().invoke(() -> {
                            synchronized (rooms) {
                                joined.subscribed = null; // the next socket tries again
                            }
                        })
                        .memoize().indefinitely();
            }
        }
        return room.subscribed;
    }

    public void leave(SocketSession session) {
        synchronized (rooms) {
            Room room = rooms.get(session.conversation);
            if (room == null) {
                return;
            }
            room.sockets.remove(session);
            if (room.sockets.isEmpty()) {
                rooms.remove(session.conversation);
                connection().chain(c -> c.send(Request.cmd(Command.UNSUBSCRIBE).arg(ChatKeys.events(session.conversation))))
                        .subscribe().with(ok -> {
                        }, e -> LOG.debugf("unsubscribe failed: %s", e.toString()));
            }
        }
    }

    /** Every open socket of this replica (for graceful shutdown). */
    public Iterable<SocketSession> sessions() {
        return rooms.values().stream().flatMap(room -> room.sockets.stream()).toList();
    }

    /** Subscribes, then notes the newest message id: the point a catch-up after a lost connection starts from. */
    private Uni<Void> subscribe(UUID conversation) {
        return connection().chain(c -> c.send(Request.cmd(Command.SUBSCRIBE).arg(ChatKeys.events(conversation))))
                .chain(() -> store.newestBefore(conversation, null, 1))
                .invoke(newest -> {
                    Room room = rooms.get(conversation);
                    if (room != null && room.lastMessageId == null && !newest.isEmpty()) {
                        room.lastMessageId = newest.get(0).id();
                    }
                })
                .replaceWithVoid();
    }

    private synchronized Uni<RedisConnection> connection() {
        if (connection == null) {
            connection = redis.connect()
                    .onItem().invoke(this::listen)
                    .onFailure().invoke(e -> {
                        LOG.warnf("Redis subscriber connection failed: %s", e.toString());
                        resetConnection();
                    })
                    .memoize().indefinitely();
        }
        return connection;
    }

    private synchronized void resetConnection() {
        connection = null;
    }

    private void listen(RedisConnection c) {
        c.handler(this::onPush);
        c.exceptionHandler(e -> LOG.warnf("Redis subscriber connection error: %s", e.toString()));
        c.endHandler(this::onConnectionLost);
    }

    /** Re-subscribes every room and reads back what was published while the connection was down. */
    private void onConnectionLost() {
        resetConnection();
        if (stopped) {
            return;
        }
        LOG.warn("Redis subscriber connection lost; re-subscribing");
        Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(200))
                .chain(() -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (UUID conversation : rooms.keySet()) {
                        all = all.chain(() -> resubscribe(conversation));
                    }
                    return all;
                })
                .subscribe().with(ok -> LOG.info("Redis subscriber connection restored"), e -> onConnectionLost());
    }

    /**
     * Live messages are held back on every socket of the room while the missed ones are read from
     * the history, so that they go out in order; then the room is live again.
     */
    private Uni<Void> resubscribe(UUID conversation) {
        Room room = rooms.get(conversation);
        if (room == null) {
            return Uni.createFrom().voidItem(); // its last socket left meanwhile: stay unsubscribed
        }
        room.sockets.forEach(SocketSession::holdLive);
        String from = room.lastMessageId;
        return subscribe(conversation)
                .chain(() -> from == null ? Uni.createFrom().item(List.<MessageView>of())
                        : store.after(conversation, from, CATCH_UP_LIMIT + 1))
                .invoke(missed -> {
                    if (missed.size() > CATCH_UP_LIMIT) {
                        room.sockets.forEach(s -> s.send("{\"type\":\"resync_required\"}"));
                    } else {
                        for (MessageView m : missed) {
                            String frame = messageFrame(m);
                            room.lastMessageId = m.id();
                            room.sockets.forEach(s -> s.replayMessage(m.id(), frame));
                        }
                    }
                })
                .onTermination().invoke(() -> room.sockets.forEach(SocketSession::goLive))
                .replaceWithVoid();
    }

    private void onPush(Response push) {
        // Push messages are ["message", channel, payload]; subscribe confirmations are ignored.
        if (push.size() < 3 || !"message".equals(push.get(0).toString())) {
            return;
        }
        String channel = push.get(1).toString();
        UUID conversation = UUID.fromString(channel.substring("chat:conv:".length(), channel.length() - ":events".length()));
        String payload = push.get(2).toString();
        try {
            dispatch(conversation, payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not dispatch an event of %s", conversation);
        }
    }

    private void dispatch(UUID conversation, String payload) {
        Room room = rooms.get(conversation);
        if (room == null) {
            return;
        }
        switch (payload.charAt(0)) {
            case 'M' -> deliver(conversation, MessageView.of(store.parseAppended(payload.substring(1))));
            case 'A' -> room.sockets.forEach(s -> s.deliverEvent(payload.substring(1)));
            case 'O' -> {
                int colon = payload.indexOf(':');
                long except = Long.parseLong(payload, 1, colon, 10);
                String frame = payload.substring(colon + 1);
                room.sockets.forEach(s -> {
                    if (s.user.id() != except) {
                        s.deliverEvent(frame);
                    }
                });
            }
            default -> LOG.warnf("unknown event on %s", conversation);
        }
    }

    private void deliver(UUID conversation, MessageView message) {
        Room room = rooms.get(conversation);
        if (room == null) {
            return;
        }
        String frame = messageFrame(message);
        room.lastMessageId = message.id();
        room.sockets.forEach(s -> s.deliverMessage(message.id(), frame));
    }

    /** {@code {"type":"message","message":...}}, serialized once for every recipient. */
    public String messageFrame(MessageView message) {
        try {
            return "{\"type\":\"message\",\"message\":" + json.writeValueAsString(message) + "}";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopped = true;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        Uni<RedisConnection> c = connection;
        if (c != null) {
            c.subscribe().with(RedisConnection::closeAndForget, e -> {
            });
        }
    }
}
