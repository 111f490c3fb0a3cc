package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.ChatKeys;
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
    private final Duration renewEvery;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private long renewTimer = -1;

    Presence(ReactiveRedisDataSource redis, RealtimeEvents events, FanOut fanOut, Vertx vertx, ChatConfig config) {
        this.redis = redis;
        this.events = events;
        this.fanOut = fanOut;
        this.vertx = vertx;
        this.lease = config.websocket().presenceLease();
        this.renewEvery = Duration.ofMillis(Math.max(100, lease.toMillis() / 3));
    }

    /** Counts the socket in and returns the users online in its conversation (the socket's own user included). */
    Uni<List<Long>> join(SocketSession session) {
        return run(session.conversation, "join", List.of(member(session)))
                .call(result -> joined(session, result))
                .map(result -> result.list().stream().map(Long::parseLong).toList());
    }

    /** Safe to call for a socket that never joined, or twice. */
    Uni<Void> leave(SocketSession session) {
        return run(session.conversation, "leave", List.of(member(session)))
                .chain(result -> result.changed()
                        ? announce(session.conversation, session.userId, false)
                        : Uni.createFrom().voidItem());
    }

    void start(@Observes StartupEvent event) {
        renewTimer = vertx.setPeriodic(renewEvery.toMillis(), id -> renewAll());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(renewTimer);
    }

    /**
     * Renews the leases of this replica's sockets in one pipelined batch of script calls (one per
     * conversation), whatever the number of sockets. Sockets that lost their lease (a long pause, or a
     * Redis that restarted empty) join again, in one more batch. A period is skipped while the previous
     * renewal is still running, so that a slow Redis never gets renewals piled up.
     */
    void renewAll() {
        Map<UUID, Map<String, SocketSession>> byConversation = new HashMap<>();
        for (SocketSession session : fanOut.sessions()) {
            if (session.countedPresent && !session.closed) {
                byConversation.computeIfAbsent(session.conversation, c -> new HashMap<>()).put(member(session), session);
            }
        }
        if (byConversation.isEmpty() || !renewing.compareAndSet(false, true)) {
            return;
        }
        List<UUID> conversations = List.copyOf(byConversation.keySet());
        List<LuaScript.Call> calls = conversations.stream()
                .map(c -> call(c, "renew", List.copyOf(byConversation.get(c).keySet())))
                .toList();
        SCRIPT.runAll(redis, calls)
                .chain(responses -> {
                    List<SocketSession> lapsed = new ArrayList<>();
                    List<Uni<Void>> announcements = new ArrayList<>();
                    for (int i = 0; i < conversations.size(); i++) {
                        Result result = Result.of(responses.get(i));
                        announcements.add(announceGone(conversations.get(i), result));
                        result.list().stream()
                                .map(byConversation.get(conversations.get(i))::get)
                                .filter(session -> session != null && !session.closed)
                                .forEach(lapsed::add);
                    }
                    return all(announcements).chain(() -> rejoin(lapsed));
                })
                // Giving up after a renewal period abandoned renewals that were slow but going through (with
                // the rejoins behind them): under load leases lapsed and 'online' was announced twice. One
                // still unanswered after a whole lease has lost the leases anyway.
                .ifNoItem().after(lease).fail()
                .onTermination().invoke(() -> renewing.set(false))
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("could not renew the presence of %d conversations: %s", conversations.size(), e.toString()));
    }

    /** Sockets that are open but lost their lease join again, in one batch. */
    private Uni<Void> rejoin(List<SocketSession> sessions) {
        if (sessions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return SCRIPT.runAll(redis, sessions.stream().map(s -> call(s.conversation, "join", List.of(member(s)))).toList())
                .chain(responses -> {
                    List<Uni<Void>> followUps = new ArrayList<>();
                    for (int i = 0; i < sessions.size(); i++) {
                        SocketSession session = sessions.get(i);
                        Result result = Result.of(responses.get(i));
                        followUps.add(announceGone(session.conversation, result).chain(() -> joined(session, result)));
                    }
                    return all(followUps);
                });
    }

    /** After a join: tells the others when the user just came online; undoes it when the socket closed meanwhile. */
    private Uni<Void> joined(SocketSession session, Result result) {
        session.countedPresent = true;
        return (result.changed() ? announce(session.conversation, session.userId, true) : Uni.createFrom().voidItem())
                // Closed while joining: its leave may have run first, and nothing would renew or remove it.
                .call(() -> session.closed ? leave(session) : Uni.createFrom().voidItem());
    }

    private Uni<Result> run(UUID conversation, String op, List<String> sockets) {
        LuaScript.Call call = call(conversation, op, sockets);
        return SCRIPT.run(redis, call.keys(), call.args())
                .map(Result::of)
                .call(result -> announceGone(conversation, result));
    }

    private LuaScript.Call call(UUID conversation, String op, List<String> sockets) {
        List<String> args = new ArrayList<>(sockets.size() + 2);
        args.add(String.valueOf(lease.toMillis()));
        args.add(op);
        args.addAll(sockets);
        return new LuaScript.Call(List.of(ChatKeys.presence(conversation)), args);
    }

    /** Users whose last lease expired (the script's sweep) go offline for the others. */
    private Uni<Void> announceGone(UUID conversation, Result result) {
        return all(result.gone().stream().map(user -> announce(conversation, user, false)).toList());
    }

    /** Tells the conversation's other sockets; a failed publish is logged (RealtimeEvents) and not the caller's failure. */
    private Uni<Void> announce(UUID conversation, long user, boolean online) {
        return events.toOthers(conversation, user, new RealtimeEvents.Presence(user, online))
                .onFailure().recoverWithNull();
    }

    private static Uni<Void> all(List<Uni<Void>> unis) {
        return unis.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unis).andCollectFailures().replaceWithVoid();
    }

    private static String member(SocketSession session) {
        return session.userId + "|" + session.connection.id();
    }

    private record Result(boolean changed, List<Long> gone, List<String> list) {
        static Result of(Response response) {
            List<Long> gone = new ArrayList<>();
            response.get(1).forEach(id -> gone.add(Long.parseLong(id.toString())));
            List<String> list = new ArrayList<>();
            response.get(2).forEach(item -> list.add(item.toString()));
            return new Result(response.get(0).toLong() == 1, gone, list);
        }
    }
}
