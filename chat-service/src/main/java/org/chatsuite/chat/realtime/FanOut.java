package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.MessageIds;
import org.chatsuite.chat.message.MessageJson;
import org.chatsuite.chat.message.MessageStore;
import org.chatsuite.chat.message.MessageView;
import org.chatsuite.chat.redis.RedisClients;
import org.chatsuite.web.RevocationKeys;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Delivers a conversation's events to this replica's sockets. One Redis connection per replica
 * subscribes to exactly the channels of the conversations that have a local socket (SUBSCRIBE on
 * the first, UNSUBSCRIBE after the last). A message arrives as its finished frame, written once by
 * the append script for every replica ({@link Envelope}), and that same String goes to each local
 * socket: nothing is parsed or serialized per replica or per socket. After a lost subscription the
 * missed messages are read back from the history, so live sockets see no gap. The same connection carries the revocation
 * announcements to {@link TokenWatch}.
 *
 * <p>The subscriber connection comes from a client of its own ({@link RedisClients}, pool of one): it
 * is held for as long as it lives, so it must not take a slot of the pool that commands share. There
 * is at most one at a time; a connection that is given up is always closed, which is what ends its
 * lease and its place in the pool metrics (the pool only drops a dead connection from its slots).
 * A command on it that gets no answer within {@code quarkus.redis.timeout} gives the connection up
 * too: a subscription that waits for ever would leave every socket of its room open but silent.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final String RESYNC_REQUIRED = "{\"type\":\"resync_required\"}";

    private final RedisClients clients;
    private final MessageStore store;
    private final int replayLimit;
    private final TokenWatch tokens;
    private final Duration redisTimeout;
    private final Map<UUID, Room> rooms = new ConcurrentHashMap<>();
    // The subscriber and its state, guarded by this.
    private Redis subscriber;
    private RedisConnection connection;
    private Uni<RedisConnection> connecting;
    private boolean recovering;
    private volatile boolean stopped;

    FanOut(RedisClients clients, MessageStore store, TokenWatch tokens, ChatConfig config, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.clients = clients;
        this.redisTimeout = redisTimeout;
        this.store = store;
        this.replayLimit = config.websocket().replayLimit();
        this.tokens = tokens;
        metrics.gauge("chat.sockets.open", rooms, r -> r.values().stream().mapToInt(room -> room.sockets.size()).sum());
        metrics.gauge("chat.subscriptions", rooms, Map::size);
    }

    /** The local sockets of one conversation, and the newest message id they were given. */
    private static final class Room {
        final Set<SocketSession> sockets = ConcurrentHashMap.newKeySet();
        volatile String lastMessageId;
        Uni<Void> subscribed;

        /** Notes a message given to the sockets; never moves back (a catch-up may end after a newer live one). */
        synchronized void advanceTo(String id) {
            if (id != null && (lastMessageId == null || MessageIds.compare(id, lastMessageId) > 0)) {
                lastMessageId = id;
            }
        }
    }

    /** Adds a socket; completes once this replica is subscribed to its conversation. */
    public Uni<Void> join(SocketSession session) {
        Room room;
        synchronized (rooms) {
            room = rooms.computeIfAbsent(session.conversation, id -> new Room());
            room.sockets.add(session);
            if (room.subscribed == null) {
                Room joined = room;
                // Bounded, so that a subscription that never completes cannot hold every later socket of
                // the room with it: a failed one is forgotten and the next socket tries again.
                room.subscribed = subscribe(session.conversation)
                        .ifNoItem().after(redisTimeout).fail()
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
                send(Request.cmd(Command.UNSUBSCRIBE).arg(Envelope.channel(session.conversation)))
                        .subscribe().with(ok -> {
                        }, e -> LOG.debugf("unsubscribe failed: %s", e.toString()));
            }
        }
    }

    /** Every open socket of this replica. */
    public List<SocketSession> sessions() {
        return rooms.values().stream().flatMap(room -> room.sockets.stream()).toList();
    }

    /** Subscribes, then notes the newest message id: the point a catch-up after a lost connection starts from. */
    private Uni<Void> subscribe(UUID conversation) {
        return send(withRevocations(Request.cmd(Command.SUBSCRIBE).arg(Envelope.channel(conversation))))
                .chain(() -> store.entriesNewestBefore(conversation, null, 1))
                .invoke(newest -> {
                    Room room = rooms.get(conversation);
                    if (room != null && !newest.isEmpty()) {
                        room.advanceTo(newest.get(0).id());
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Every subscription also covers the revocation announcements ({@link TokenWatch}): the connection
     * has them whenever it has a room, also after it was replaced. Subscribing again to a channel
     * already subscribed changes nothing.
     */
    private static Request withRevocations(Request subscribe) {
        return subscribe.arg(RevocationKeys.CHANNEL);
    }

    /** Sends on the subscriber connection. A failed send means that it is gone, also when its end went unnoticed. */
    private Uni<Void> send(Request request) {
        return Uni.createFrom().deferred(this::connection)
                .chain(c -> send(c, request))
                .replaceWithVoid();
    }

    /** A command on {@code c}, answered within the Redis timeout, or {@code c} is given up. */
    private Uni<Response> send(RedisConnection c, Request request) {
        return c.send(request)
                .ifNoItem().after(redisTimeout).fail()
                .onFailure().invoke(() -> lost(c));
    }

    /** The subscriber connection: the current one, else the one being opened, else a new one. */
    private synchronized Uni<RedisConnection> connection() {
        if (connection != null) {
            return Uni.createFrom().item(connection);
        }
        if (connecting == null) {
            if (subscriber == null) {
                subscriber = clients.create("pubsub", 1);
            }
            connecting = subscriber.connect()
                    .invoke(this::adopt)
                    .onFailure().invoke(e -> {
                        LOG.warnf("Redis subscriber connection failed: %s", e.toString());
                        synchronized (this) {
                            connecting = null;
                        }
                    })
                    .memoize().indefinitely();
        }
        return connecting;
    }

    private void adopt(RedisConnection c) {
        c.handler(this::onPush);
        // An exception leaves the connection in an unknown state (and may come without an end): give it up.
        c.exceptionHandler(e -> {
            LOG.warnf("Redis subscriber connection error: %s", e.toString());
            lost(c);
        });
        c.endHandler(() -> lost(c));
        boolean close;
        synchronized (this) {
            connection = c;
            connecting = null;
            close = stopped;
        }
        if (close) {
            c.closeAndForget();
        }
    }

    /** Gives up a connection (once, and only the current one), closes it, and re-subscribes on a new one. */
    private void lost(RedisConnection c) {
        synchronized (this) {
            if (connection != c) {
                return;
            }
            connection = null;
        }
        c.closeAndForget();
        if (!stopped) {
            LOG.warn("Redis subscriber connection lost");
            recover(FIRST_RETRY);
        }
    }

    /**
     * One recovery at a time, retried with growing pauses while Redis cannot be reached. It is done
     * when it ran to the end on the connection that is still the current one; a connection lost
     * meanwhile starts it again. Without rooms there is nothing to recover: the next socket connects.
     */
    private void recover(Duration delay) {
        synchronized (this) {
            if (recovering || stopped || rooms.isEmpty()) {
                return;
            }
            recovering = true;
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .chain(this::connection)
                .call(this::resubscribeAll)
                .subscribe().with(c -> recovered(c, delay), e -> {
                    LOG.warnf("re-subscribing failed (next attempt in %d ms): %s", next(delay).toMillis(), e.toString());
                    recovered(null, delay);
                });
    }

    private void recovered(RedisConnection used, Duration delay) {
        boolean again;
        synchronized (this) {
            recovering = false;
            again = used == null || connection != used;
        }
        if (!again) {
            LOG.info("Redis subscriber connection restored");
        } else {
            recover(used == null ? next(delay) : FIRST_RETRY);
        }
    }

    private static Duration next(Duration delay) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
    }

    /**
     * Subscribes every room again in one command, then reads back what each missed. Live messages are
     * held back on the rooms' sockets from before the subscription until their room has caught up, so
     * that they go out in order.
     */
    private Uni<Void> resubscribeAll(RedisConnection c) {
        Map<UUID, String> from = new HashMap<>();
        rooms.forEach((conversation, room) -> {
            room.sockets.forEach(SocketSession::holdLive);
            // Nothing delivered and nothing stored when it subscribed: all its history is missed.
            from.put(conversation, room.lastMessageId == null ? "0-0" : room.lastMessageId);
        });
        if (from.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Request subscribe = Request.cmd(Command.SUBSCRIBE);
        from.keySet().forEach(conversation -> subscribe.arg(Envelope.channel(conversation)));
        return send(c, withRevocations(subscribe))
                .onFailure().invoke(e -> {
                    from.keySet().forEach(conversation -> goLive(rooms.get(conversation))); // caught up next time
                })
                .chain(() -> Multi.createFrom().iterable(from.entrySet())
                        .onItem().transformToUni(entry -> catchUp(entry.getKey(), entry.getValue())).merge(8)
                        .collect().last())
                // Revocations announced while the subscription was lost: a failed check is retried with
                // the whole recovery (the replays it repeats are de-duplicated per socket).
                .chain(() -> tokens.recheck(sessions()))
                .replaceWithVoid();
    }

    /** Replays a room's missed messages; when they cannot be read, its sockets are told to reload the history. */
    private Uni<Void> catchUp(UUID conversation, String from) {
        Room room = rooms.get(conversation);
        if (room == null) {
            return Uni.createFrom().voidItem(); // its last socket left meanwhile
        }
        return replay(conversation, from, room.sockets)
                .invoke(newest -> room.advanceTo(newest))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("could not catch up %s after re-subscribing: %s", conversation, e.toString());
                    room.sockets.forEach(s -> s.send(RESYNC_REQUIRED));
                    return null;
                })
                .onTermination().invoke(() -> goLive(room));
    }

    private static void goLive(Room room) {
        if (room != null) {
            room.sockets.forEach(SocketSession::goLive);
        }
    }

    /**
     * Sends the stored messages after {@code after} to the sockets, in history order, or
     * {@code resync_required} when there are more than the replay limit. The one replay of the
     * protocol: on connecting, on {@code resume}, and after a lost subscription.
     *
     * @return the id of the newest message sent, {@code null} when none was
     */
    Uni<String> replay(UUID conversation, String after, Collection<SocketSession> sockets) {
        return store.entriesAfter(conversation, after, replayLimit + 1)
                .map(missed -> {
                    if (missed.size() > replayLimit) {
                        sockets.forEach(s -> s.send(RESYNC_REQUIRED));
                        return null;
                    }
                    String id = conversation.toString();
                    String newest = null;
                    for (StreamMessage<String, String, String> m : missed) {
                        String frame = MessageJson.of(id, m.id(), m.payload()).frame();
                        sockets.forEach(s -> s.replayMessage(m.id(), frame));
                        newest = m.id();
                    }
                    return newest;
                });
    }

    private void onPush(Response push) {
        // Push messages are ["message", channel, payload]; subscribe confirmations are ignored.
        if (push.size() < 3 || !"message".equals(push.get(0).toString())) {
            return;
        }
        String channel = push.get(1).toString();
        if (RevocationKeys.CHANNEL.equals(channel)) {
            tokens.announced(push.get(2).toString(), sessions());
            return;
        }
        UUID conversation = Envelope.conversationOf(channel);
        Room room = conversation == null ? null : rooms.get(conversation);
        if (room == null) {
            return;
        }
        try {
            Envelope.Payload payload = Envelope.decode(push.get(2).toString());
            if (payload instanceof Envelope.Message message) {
                deliver(room, message.id(), message.frame());
            } else if (payload instanceof Envelope.ToOthers event) {
                room.sockets.forEach(s -> {
                    if (s.userId != event.except()) {
                        s.deliverEvent(event.frame());
                    }
                });
            } else if (payload instanceof Envelope.LegacyMessage legacy) {
                MessageView message = MessageView.of(store.parseAppended(legacy.json()));
                deliver(room, message.id(), store.json(message).frame());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not dispatch an event of %s", conversation);
        }
    }

    /** The frame as the append script wrote it, the same String to every local socket. */
    private static void deliver(Room room, String id, String frame) {
        room.advanceTo(id);
        room.sockets.forEach(s -> s.deliverMessage(id, frame));
    }

    /**
     * Stopping starts with the shutdown delay, not after it: the Redis client's own shutdown may end
     * the subscriber connection before {@link ShutdownEvent} observers run, and that end is not a
     * loss to recover from (nor to warn about). Delivery goes on meanwhile on the open connection.
     */
    void onShutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        stopped = true;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopped = true;
    }

    @PreDestroy
    void stop() {
        RedisConnection c;
        synchronized (this) {
            stopped = true;
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.closeAndForget();
        }
    }
}
