package org.chatsuite.chat.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;

import org.chatsuite.chat.ChatConfig;
import org.chatsuite.chat.message.MessageIds;
import org.chatsuite.chat.message.MessageService;
import org.chatsuite.web.Outages;
import org.chatsuite.web.Timestamps;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** {@code /ws/chat/{conversation_id}}: the real-time protocol of docs/PROTOCOL.md. */
@WebSocket(path = "/ws/chat/{conversationId}", endpointId = ChatSocket.ID)
public class ChatSocket {

    static final String ID = "chat";
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    private static final TypedKey<SocketSession> SESSION = new TypedKey<>("chat.session");
    private static final CloseReason GOING_AWAY = new CloseReason(1001, "Server shutting down");
    private static final CloseReason MESSAGE_TOO_BIG = new CloseReason(1009, "Frame larger than 64 KiB");
    private static final CloseReason FLOODING = new CloseReason(1008, "rate limit exceeded");
    /** A socket with a whole burst of frames refused within this time is closed as flooding. */
    private static final long FLOOD_WINDOW_MILLIS = 10_000;
    private static final CloseReason STORE_UNAVAILABLE = new CloseReason(SocketSession.TRY_AGAIN_LATER,
            "a store did not answer: reconnect with last_id");
    /** A resume may replay up to the replay limit: it takes as much budget as ten other frames. */
    private static final int RESUME_COST = 10;

    private final FanOut fanOut;
    private final MessageService messages;
    private final RealtimeEvents events;
    private final Presence presence;
    private final TokenWatch tokens;
    private final FrameBudget budget;
    private final ObjectMapper json;
    private final ChatConfig.Websocket config;
    private final SocketSession.OutboundLimits outboundLimits;
    /** Opening takes a few Redis round trips, each bounded by the Redis timeout: twice that bounds them all. */
    private final Duration openTimeout;

    ChatSocket(FanOut fanOut, MessageService messages, RealtimeEvents events, Presence presence, TokenWatch tokens,
            FrameBudget budget, ObjectMapper json, ChatConfig config, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.redis.timeout") Duration redisTimeout) {
        this.openTimeout = redisTimeout.multipliedBy(2);
        this.fanOut = fanOut;
        this.messages = messages;
        this.events = events;
        this.presence = presence;
        this.tokens = tokens;
        this.budget = budget;
        this.json = json;
        this.config = config.websocket();
        this.outboundLimits = new SocketSession.OutboundLimits(this.config.outboundMaxBytes(),
                this.config.outboundMaxFrames(), metrics.counter("chat.websocket.slow.consumers.closed"));
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        HandshakeCheck.Accepted accepted = connection.userData().get(HandshakeCheck.ACCEPTED);
        SocketSession session = new SocketSession(connection, accepted, outboundLimits);
        connection.userData().put(SESSION, session);
        String lastId = queryParam(connection.handshakeRequest().query(), "last_id");
        session.startReplay(null);
        return fanOut.join(session)
                .chain(() -> tokens.watch(session))
                .invoke(() -> session.send(events.encode(Map.of("type", "connection_established",
                        "message", "Connected to chat", "conversation_id", session.conversation.toString()))))
                .chain(() -> replayOnOpen(session, lastId))
                .chain(() -> presenceOnline(session))
                // A socket must never stay open but silent because a store stopped answering part-way: past
                // this bound it is closed like any outage (1013), and the client reconnects with last_id.
                .ifNoItem().after(openTimeout).fail()
                .onFailure().recoverWithUni(e -> {
                    fanOut.leave(session);
                    if (Outages.isOutage(e)) {
                        LOG.warnf("opening socket %s: a store is unavailable: %s", connection.id(), e);
                        session.send(error("service_unavailable", "A store did not answer; reconnect shortly"));
                        return connection.close(STORE_UNAVAILABLE);
                    }
                    LOG.errorf(e, "opening socket %s failed", connection.id());
                    session.send(error("internal", "Could not open the conversation; reconnect"));
                    return connection.close(CloseReason.INTERNAL_SERVER_ERROR);
                });
    }

    /** Every frame, valid or not, is taken from its user's budget first ({@link FrameBudget}). */
    @OnTextMessage
    public Uni<Void> onText(WebSocketConnection connection, String text) {
        SocketSession session = connection.userData().get(SESSION);
        try {
            InboundFrame frame = InboundFrame.decode(json, text);
            return withinBudget(session, frame instanceof InboundFrame.Resume ? RESUME_COST : 1,
                    () -> handle(session, frame).onFailure().recoverWithItem(e -> {
                        session.send(failed(frame, connection, e));
                        return null;
                    }));
        } catch (InboundFrame.Refused e) {
            return withinBudget(session, 1, () -> {
                session.send(error(e.code, e.getMessage()));
                return Uni.createFrom().voidItem();
            });
        }
    }

    /**
     * The error frame for a frame whose handling failed: an outage (Redis down or silent) is expected
     * and retryable, so it is {@code service_unavailable} with a one-line warning; anything else is a
     * bug, logged with its stack trace.
     */
    private String failed(InboundFrame frame, WebSocketConnection connection, Throwable failure) {
        String kind = frame.getClass().getSimpleName();
        if (Outages.isOutage(failure)) {
            LOG.warnf("frame %s on socket %s: a store is unavailable: %s", kind, connection.id(), failure);
            return error("service_unavailable", "A store did not answer; send it again shortly");
        }
        LOG.errorf(failure, "frame %s on socket %s failed", kind, connection.id());
        return error("internal", "The server could not handle this frame");
    }

    /**
     * Runs {@code handler} when the user's budget has {@code cost} frames left; otherwise answers
     * {@code rate_limited}, and closes the socket (1008) once a whole burst of its frames was refused
     * within {@link #FLOOD_WINDOW_MILLIS}.
     */
    private Uni<Void> withinBudget(SocketSession session, int cost, Supplier<Uni<Void>> handler) {
        return budget.tryTake(session.userId, cost).chain(taken -> {
            if (taken) {
                return handler.get();
            }
            session.send(error("rate_limited", "Too many frames; slow down"));
            if (session.overBudget(System.currentTimeMillis(), FLOOD_WINDOW_MILLIS) >= config.messageBurst()) {
                session.close(FLOODING);
            }
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> handle(SocketSession session, InboundFrame frame) {
        if (frame instanceof InboundFrame.Message message) {
            return send(session, message);
        }
        if (frame instanceof InboundFrame.Typing typing) {
            return events.toOthers(session.conversation, session.userId,
                    new RealtimeEvents.Typing(session.userId, session.user().name(), typing.isTyping()));
        }
        if (frame instanceof InboundFrame.Read read) {
            return messages.markRead(session.conversation, session.userId, read.lastReadId()).replaceWithVoid();
        }
        if (frame instanceof InboundFrame.Resume resume) {
            return replay(session, resume.lastId());
        }
        if (frame instanceof InboundFrame.Auth auth) {
            return reauthenticate(session, auth.token());
        }
        if (frame instanceof InboundFrame.Ping) {
            session.send("{\"type\":\"pong\"}");
            return Uni.createFrom().voidItem();
        }
        throw new IllegalStateException("no handler for " + frame);
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        SocketSession session = connection.userData().get(SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        session.closed = true;
        tokens.forget(session);
        fanOut.leave(session);
        // Also when the join is still in flight (it undoes itself when it sees "closed"). A failure
        // here is not lost either: the socket's lease then runs out and the others are told.
        return presence.leave(session).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * A frame over the size limit is refused by the server before it is buffered; the contract
     * answers it with close code 1009 (message too big).
     */
    @OnError
    public Uni<Void> onError(WebSocketConnection connection, IllegalStateException e) {
        boolean tooBig = String.valueOf(e.getMessage()).contains("max message size");
        if (!tooBig) {
            LOG.errorf(e, "socket %s failed", connection.id());
        }
        return connection.close(tooBig ? MESSAGE_TOO_BIG : CloseReason.INTERNAL_SERVER_ERROR);
    }

    /**
     * Graceful shutdown, first step (at the start of the shutdown delay, while requests in flight
     * finish): 1001 tells clients to reconnect, to another replica, and resume with last_id. All
     * sockets are closed at once; shutdown goes on when every close frame is written, or after a
     * second (a client that stopped reading holds its frame up; the delay follows anyway).
     */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        var closing = new java.util.ArrayList<Uni<Void>>();
        for (SocketSession session : fanOut.sessions()) {
            closing.add(session.connection.close(GOING_AWAY).onFailure().recoverWithUni(e -> {
                LOG.debugf("closing %s: %s", session.connection.id(), e.toString());
                return Uni.createFrom().voidItem();
            }));
        }
        if (closing.isEmpty()) {
            return;
        }
        try {
            Uni.join().all(closing).andFailFast().await().atMost(Duration.ofSeconds(1));
        } catch (io.smallrye.mutiny.TimeoutException e) {
            LOG.infof("not all of %d close frames (1001) were written within a second", closing.size());
        }
    }

    private Uni<Void> send(SocketSession session, InboundFrame.Message frame) {
        try {
            return messages.send(session.conversation, session.user(), frame.fields(), session.participants)
                    .invoke(appended -> {
                        if (appended.duplicate()) {
                            // Nothing new was published: send the original back to this socket only.
                            session.send(appended.message().frame());
                        }
                    })
                    .replaceWithVoid();
        } catch (MessageService.Rejected e) {
            session.send(error(e.code(), e.getMessage()));
            return Uni.createFrom().voidItem();
        }
    }

    /**
     * {@code auth}: a newer token keeps the socket open past the current one's expiry. A refused one
     * leaves the socket as it was, unless its token has expired meanwhile.
     */
    private Uni<Void> reauthenticate(SocketSession session, String token) {
        return tokens.reauthenticate(session, token)
                .invoke(identity -> session.send(events.encode(Map.of("type", "auth_ok",
                        "expires_at", Timestamps.iso(identity.expiresAt())))))
                .replaceWithVoid()
                .onFailure(TokenWatch.InvalidToken.class).recoverWithItem(e -> {
                    session.send(error("invalid_token", e.getMessage()));
                    if (!session.identity().expiresAt().isAfter(Instant.now())) {
                        session.close(TokenWatch.TOKEN_EXPIRED);
                    }
                    return null;
                });
    }

    /** The handshake's {@code last_id}: none means live from now; a malformed one is answered, then live. */
    private Uni<Void> replayOnOpen(SocketSession session, String lastId) {
        if (lastId == null || !MessageIds.isWellFormed(lastId)) {
            if (lastId != null) {
                session.send(error("invalid_json", "last_id must be a message id such as 1767268800123-0"));
            }
            session.goLive();
            return Uni.createFrom().voidItem();
        }
        return replay(session, lastId);
    }

    /** Sends what the client missed after {@code lastId}, then lets live messages through. */
    private Uni<Void> replay(SocketSession session, String lastId) {
        session.startReplay(lastId);
        return fanOut.replay(session.conversation, lastId, List.of(session))
                // Live delivery resumes whatever happened, also when the history could not be read.
                .onTermination().invoke(session::goLive)
                .replaceWithVoid();
    }

    /** Counts the socket in and tells it who else is online. */
    private Uni<Void> presenceOnline(SocketSession session) {
        return presence.join(session)
                .invoke(online -> online.stream()
                        .filter(user -> user != session.userId)
                        .forEach(user -> session.send(events.encode(new RealtimeEvents.Presence(user, true)))))
                .replaceWithVoid();
    }

    private String error(String code, String message) {
        return events.encode(Map.of("type", "error", "code", code, "message", message));
    }

    private static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
