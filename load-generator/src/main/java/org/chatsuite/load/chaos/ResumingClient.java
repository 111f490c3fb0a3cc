package org.chatsuite.load.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * One member's socket as docs/PROTOCOL.md's recommended client keeps it: reconnects with backoff and
 * {@code ?last_id=} of the newest message it has, sends every message with a {@code client_id} and
 * re-sends it until its own copy (the acknowledgement) arrives, and on {@code resync_required} pages
 * history after its newest message over REST. It records every message id it receives, in arrival order,
 * repeats included, for {@link DeliveryChecker}.
 */
final class ResumingClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    private final Vertx vertx;
    private final WebSocketClient sockets;
    private final History history;
    private final String host;
    private final int port;
    private final String name;
    final String conversationId;
    final long userId;
    final String token;
    private final ClientEvents events;

    private WebSocket socket;
    private boolean stopped;
    private int failedAttempts;
    /** The newest message this member has, where a reconnect resumes. */
    private String lastId;
    /** After a resync over REST, live frames up to here were already taken from history. */
    private String resyncedUpTo;
    /** Live frames that arrive while a resync's REST pages are on their way. */
    private List<JsonNode> heldDuringResync;
    private final List<String> received = new ArrayList<>();
    private final Set<String> receivedIds = new HashSet<>();
    /** Client ids written more than once: the server answers each re-send with the original frame again. */
    private final Set<String> resent = new HashSet<>();
    private long repeatedAcknowledgements;
    /** Each connection attempt as {@code <messages received before it>:<URI>}, to place a problem in a connection's life. */
    private final List<String> attempts = new ArrayList<>();
    /** Unacknowledged messages by client id: content and when it was last written. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();

    private record Pending(String content, long sentAtNanos) {
    }

    /** What every client reports to the scenario: counts across all members. */
    interface ClientEvents {
        void opened();

        void closed(int code);

        void errorFrame(String code);

        void resync();
    }

    ResumingClient(Vertx vertx, WebSocketClient sockets, History history, String gatewayHost, int gatewayPort, String name,
            String conversationId, long userId, String token, ClientEvents events) {
        this.vertx = vertx;
        this.sockets = sockets;
        this.history = history;
        this.host = gatewayHost;
        this.port = gatewayPort;
        this.name = name;
        this.conversationId = conversationId;
        this.userId = userId;
        this.token = token;
        this.events = events;
    }

    synchronized void connect() {
        if (stopped) {
            return;
        }
        String uri = "/ws/chat/" + conversationId + "/" + (lastId == null ? "" : "?last_id=" + lastId);
        attempts.add(received.size() + ":" + uri);
        sockets.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)
                .addHeader("Authorization", "Bearer " + token)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        opened(ar.result());
                    } else {
                        reconnectLater();
                    }
                });
    }

    private synchronized void opened(WebSocket ws) {
        if (stopped) {
            ws.close();
            return;
        }
        socket = ws;
        failedAttempts = 0;

        ws.textMessageHandler(this::onFrame);
        // A reset connection is what the kills cause; its close follows and reconnects. Without a handler
        // Vert.x would log each one as an error.
        ws.exceptionHandler(failure -> { });
        ws.closeHandler(v -> closed(ws));
        events.opened();
    }

    private synchronized void closed(WebSocket ws) {
        if (socket != ws) {
            return;
        }
        socket = null;
        events.closed(ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode());
        reconnectLater();
    }

    private synchronized void reconnectLater() {
        if (stopped) {
            return;
        }
        long ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(failedAttempts++, 10));
        // Jitter spreads the reconnects of every member after a gateway restart.
        vertx.setTimer(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1), t -> connect());
    }

    /** Sends a new message and returns its client id; it stays pending (and is re-sent) until acknowledged. */
    synchronized String send() {
        String clientId = name + "-" + sequence.incrementAndGet();
        String content = "chaos " + clientId;
        pending.put(clientId, new Pending(content, System.nanoTime()));
        write(clientId, content);
        return clientId;
    }

    /** Re-sends what has waited longer than {@code afterNanos} for its acknowledgement. */
    synchronized void resendOlderThan(long afterNanos) {
        long now = System.nanoTime();
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            if (now - entry.getValue().sentAtNanos() >= afterNanos) {
                resent.add(entry.getKey());
                entry.setValue(new Pending(entry.getValue().content(), now));
                write(entry.getKey(), entry.getValue().content());
            }
        }
    }

    private void write(String clientId, String content) {
        if (socket != null) {
            ObjectNode frame = JSON.createObjectNode().put("type", "message").put("content", content).put("client_id", clientId);
            socket.writeTextMessage(frame.toString());
        }
    }

    private synchronized void onFrame(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            events.errorFrame("unparseable frame");
            return;
        }
        switch (frame.path("type").asText()) {
            case "connection_established" -> resendOlderThan(0); // whatever was pending may never have arrived
            case "message" -> {
                if (heldDuringResync != null) {
                    heldDuringResync.add(frame.path("message"));
                } else {
                    live(frame.path("message"));
                }
            }
            case "resync_required" -> resync();
            case "error" -> events.errorFrame(frame.path("code").asText());
            default -> {
                // typing, read, presence, pong: not part of the check
            }
        }
    }

    private void live(JsonNode message) {
        String id = message.path("id").asText();
        if (resyncedUpTo != null && compare(id, resyncedUpTo) <= 0) {
            return; // already taken from history by the resync
        }
        take(message);
    }

    /** Records a received message (repeats too: the checker counts them) and acknowledges our own. */
    private void take(JsonNode message) {
        String id = message.path("id").asText();
        String clientId = message.path("client_id").asText();
        boolean mine = message.path("sender_id").asLong() == userId;
        if (mine && resent.contains(clientId) && receivedIds.contains(id)) {
            // The idempotent answer to a re-send of a message this socket already had (docs/PROTOCOL.md, Idempotency).
            repeatedAcknowledgements++;
            return;
        }
        received.add(id);
        receivedIds.add(id);
        if (lastId == null || compare(id, lastId) > 0) {
            lastId = id;
        }
        if (mine && pending.remove(clientId) != null) {
            acknowledged.add(clientId);
        }
    }

    private void resync() {
        events.resync();
        if (heldDuringResync != null) {
            return; // one is already on its way and will cover this one's gap
        }
        heldDuringResync = new ArrayList<>();
        fetchMissed(lastId == null ? History.BEGINNING : lastId);
    }

    private void fetchMissed(String from) {
        vertx.executeBlocking(() -> history.after(conversationId, token, from), false).onComplete(ar -> {
            if (ar.succeeded()) {
                resynced(ar.result());
            } else {
                events.errorFrame("resync over REST failed, retried: " + ar.cause().getClass().getSimpleName());
                vertx.setTimer(1000, t -> fetchMissed(from)); // until history answers: a gap is not an option
            }
        });
    }

    private synchronized void resynced(List<JsonNode> fromHistory) {
        fromHistory.forEach(this::take);
        resyncedUpTo = lastId;
        List<JsonNode> held = heldDuringResync;
        heldDuringResync = null;
        held.forEach(this::live);
    }

    synchronized void stop() {
        stopped = true;
        if (socket != null) {
            socket.closeHandler(null);
            socket.close();
            socket = null;
        }
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized long repeatedAcknowledgements() {
        return repeatedAcknowledgements;
    }

    synchronized List<String> attempts() {
        return List.copyOf(attempts);
    }

    synchronized List<String> received() {
        return List.copyOf(received);
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    synchronized boolean isOpen() {
        return socket != null;
    }

    /** Message ids are Redis stream ids, {@code <ms>-<seq>}: they sort by both numbers. */
    static int compare(String a, String b) {
        String[] left = a.split("-");
        String[] right = b.split("-");
        int byTime = Long.compare(Long.parseLong(left[0]), Long.parseLong(right[0]));
        return byTime != 0 ? byTime : Long.compare(Long.parseLong(left[1]), Long.parseLong(right[1]));
    }
}
