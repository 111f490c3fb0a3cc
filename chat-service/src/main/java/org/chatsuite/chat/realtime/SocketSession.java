package org.chatsuite.chat.realtime;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.chatsuite.chat.message.MessageIds;
import org.chatsuite.chat.message.MessageStore;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * One open socket: who it belongs to, and the gate that keeps its stream of messages gap-free
 * and duplicate-free while missed messages are replayed. Live messages that arrive during a
 * replay wait in a queue and are then sent unless the replay already covered them.
 * <p>
 * What was handed to the socket but not yet written out is bounded ({@link OutboundLimits}): a
 * client that stops reading is closed with 1013 (try again later: reconnect and resume with
 * last_id) instead of growing this replica's memory, and the rest of the conversation goes on.
 */
final class SocketSession {

    private static final Logger LOG = Logger.getLogger(SocketSession.class);

    final WebSocketConnection connection;
    final UUID conversation;
    /** The identity's user, which no re-authentication changes. */
    final long userId;
    final Set<Long> participants;
    private final OutboundLimits limits;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong pendingFrames = new AtomicLong();
    private final AtomicBoolean closedForBeingSlow = new AtomicBoolean();
    /**
     * Frames of this socket refused for the user's budget within the current flood window. A window, not
     * "in a row": a client flooding just above the rate gets a frame through now and then, and must not
     * reset the count with it.
     */
    private int refusedInWindow;
    private long floodWindowStart;

    private volatile SocketIdentity identity;
    private long expiryTimer = -1;
    private boolean replaying = true;
    /** Whether this socket holds a presence lease (which its replica then renews). */
    volatile boolean countedPresent;
    /** Set when the socket closes, so that work still in flight for it (a presence join) can undo itself. */
    volatile boolean closed;
    private final ArrayDeque<String[]> queued = new ArrayDeque<>();
    /** Id of the newest message this socket was sent, for de-duplication. */
    private String lastSentId;

    SocketSession(WebSocketConnection connection, HandshakeCheck.Accepted accepted, OutboundLimits limits) {
        this.limits = limits;
        this.connection = connection;
        this.conversation = accepted.conversation();
        this.identity = accepted.identity();
        this.userId = identity.userId();
        this.participants = accepted.participants();
    }

    SocketIdentity identity() {
        return identity;
    }

    /** A frame of this socket was refused for the user's budget; returns how many within the current window. */
    synchronized int overBudget(long nowMillis, long windowMillis) {
        if (nowMillis - floodWindowStart > windowMillis) {
            floodWindowStart = nowMillis;
            refusedInWindow = 0;
        }
        return ++refusedInWindow;
    }

    /** A newer token of the same user (see {@link TokenWatch#reauthenticate}). */
    void reauthenticated(SocketIdentity newer) {
        if (newer.userId() != userId) {
            throw new IllegalArgumentException("a socket's user does not change");
        }
        identity = newer;
    }

    /** Sets the timer that closes this socket when its token expires ({@code -1}: none), cancelling the previous one. */
    synchronized void replaceExpiryTimer(long timer, LongConsumer cancel) {
        if (expiryTimer >= 0) {
            cancel.accept(expiryTimer);
        }
        expiryTimer = closed ? -1 : timer;
        if (closed && timer >= 0) {
            cancel.accept(timer);
        }
    }

    /** Closes the socket from the server's side (its close handler then cleans up). */
    void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> {
        }, e -> LOG.debugf("closing %s: %s", connection.id(), e.toString()));
    }

    /** The user as messages name them (from the current token). */
    MessageStore.Sender user() {
        return identity.user();
    }

    /** A message frame of the conversation's total order (live or replayed). */
    synchronized void deliverMessage(String id, String frame) {
        if (replaying) {
            queued.add(new String[] { id, frame });
            return;
        }
        sendMessage(id, frame);
    }

    /** Sent during a replay, in history order. */
    synchronized void replayMessage(String id, String frame) {
        sendMessage(id, frame);
    }

    /** An ephemeral event (typing, read, presence): no order to keep beyond arrival. */
    synchronized void deliverEvent(String frame) {
        if (replaying) {
            queued.add(new String[] { null, frame });
            return;
        }
        send(frame);
    }

    /** Holds live messages back until {@link #goLive()}; {@code resumeFrom} is what the client already has. */
    synchronized void startReplay(String resumeFrom) {
        replaying = true;
        lastSentId = resumeFrom;
    }

    /** Holds live messages back (keeping what was sent) until {@link #goLive()}. */
    synchronized void holdLive() {
        replaying = true;
    }

    synchronized void goLive() {
        replaying = false;
        while (!queued.isEmpty()) {
            String[] next = queued.poll();
            if (next[0] == null) {
                send(next[1]);
            } else {
                sendMessage(next[0], next[1]);
            }
        }
    }

    /** Sends to this socket directly, outside the message order (connection_established, errors, pong). */
    synchronized void send(String frame) {
        if (!connection.isOpen() || closedForBeingSlow.get()) {
            return;
        }
        long bytes = frame.length(); // chars: a close enough measure for a bound
        if (pendingFrames.get() >= limits.maxFrames() || pendingBytes.get() + bytes > limits.maxBytes()) {
            closeForBeingSlow();
            return;
        }
        pendingFrames.incrementAndGet();
        pendingBytes.addAndGet(bytes);
        connection.sendText(frame).subscribe().with(ok -> written(bytes), e -> {
            written(bytes);
            LOG.debugf("send to %s failed: %s", connection.id(), e.toString());
        });
    }

    private void written(long bytes) {
        pendingFrames.decrementAndGet();
        pendingBytes.addAndGet(-bytes);
    }

    private void closeForBeingSlow() {
        if (closedForBeingSlow.compareAndSet(false, true)) {
            limits.slowConsumers().increment();
            LOG.debugf("closing %s: %d frames (%d chars) not written out", connection.id(), pendingFrames.get(),
                    pendingBytes.get());
            close(new CloseReason(TRY_AGAIN_LATER, "too slow: reconnect and resume with last_id"));
        }
    }

    /** 1013, Try Again Later (RFC 6455 registry). */
    static final int TRY_AGAIN_LATER = 1013;

    /** How much may wait unwritten for one socket, and the counter of sockets closed for exceeding it. */
    record OutboundLimits(long maxBytes, int maxFrames, Counter slowConsumers) {
    }

    private void sendMessage(String id, String frame) {
        if (lastSentId != null && MessageIds.compare(id, lastSentId) <= 0) {
            return;
        }
        lastSentId = id;
        send(frame);
    }
}
