package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.ChatKeys;
import org.chatsuite.chat.message.RealtimeEvents;
import org.chatsuite.web.LuaScript;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

/**
 * Who is online in a conversation, across replicas: every open socket holds a lease in Redis
 * ({@code redis/presence.lua}) that its replica renews. A user goes offline when the last of their
 * sockets closes, or when the lease of a socket whose replica died runs out; either way the others
 * get a {@code presence} event once.
 */
@ApplicationScoped
public class Presence {

    private static final Logger LOG = Logger.getLogger(Presence.class);
    private static final LuaScript SCRIPT = LuaScript.load("/redis/presence.lua");

    private final ReactiveRedisDataSource redis;
    private final RealtimeEvents events;
    private final FanOut fanOut;
    private final Vertx vertx;
    private final Duration lease;
    private long renewTimer = -1;

    Presence(ReactiveRedisDataSource redis, RealtimeEvents events, FanOut fanOut, Vertx vertx, ChatConfig config) {
        this.redis = redis;
        this.events = events;
        this.fanOut = fanOut;
        this.vertx = vertx;
        this.lease = config.websocket().presenceLease();
    }

    /** Counts the socket in and returns the users online in its conversation (the socket's own user included). */
    Uni<List<Long>> join(SocketSession session) {
        return run(session.conversation, "join", List.of(member(session)))
                .invoke(() -> session.countedPresent = true)
                .call(result -> result.changed()
                        ? announce(session.conversation, session.user.id(), true)
                        : Uni.createFrom().voidItem())
                .map(Result::users);
    }

    Uni<Void> leave(SocketSession session) {
        return run(session.conversation, "leave", List.of(member(session)))
                .chain(result -> result.changed()
                        ? announce(session.conversation, session.user.id(), false)
                        : Uni.createFrom().voidItem());
    }

    void start(@Observes StartupEvent event) {
        long every = Math.max(100, lease.toMillis() / 3);
        renewTimer = vertx.setPeriodic(every, id -> renewAll());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(renewTimer);
    }

    /** Renews the leases of this replica's sockets, one script call per conversation. */
    void renewAll() {
        Map<UUID, List<String>> members = new HashMap<>();
        for (SocketSession session : fanOut.sessions()) {
            if (session.countedPresent) {
                members.computeIfAbsent(session.conversation, c -> new ArrayList<>()).add(member(session));
            }
        }
        members.forEach((conversation, sockets) -> run(conversation, "renew", sockets)
                .call(result -> Uni.join().all(result.users().stream()
                        .map(user -> announce(conversation, user, true)).toList()).andCollectFailures()
                        .replaceWithVoid())
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("could not renew presence in %s: %s", conversation, e.toString())));
    }

    private Uni<Result> run(UUID conversation, String op, List<String> sockets) {
        List<String> args = new ArrayList<>(sockets.size() + 3);
        args.add(String.valueOf(System.currentTimeMillis()));
        args.add(String.valueOf(lease.toMillis()));
        args.add(op);
        args.addAll(sockets);
        return SCRIPT.run(redis, List.of(ChatKeys.presence(conversation)), args)
                .map(Result::of)
                .call(result -> result.gone().isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(result.gone().stream().map(user -> announce(conversation, user, false)).toList())
                                .andCollectFailures().replaceWithVoid());
    }

    private Uni<Void> announce(UUID conversation, long user, boolean online) {
        return events.toOthers(conversation, user, new RealtimeEvents.Presence(user, online));
    }

    private static String member(SocketSession session) {
        return session.user.id() + "|" + session.connection.id();
    }

    private record Result(boolean changed, List<Long> gone, List<Long> users) {
        static Result of(Response response) {
            return new Result(response.get(0).toLong() == 1, ids(response.get(1)), ids(response.get(2)));
        }

        private static List<Long> ids(Response list) {
            List<Long> ids = new ArrayList<>(list.size());
            list.forEach(id -> ids.add(Long.parseLong(id.toString())));
            return ids;
        }
    }
}
