package org.chatsuite.load.soak;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The soak's sockets through the gateway: opened with a bounded number of handshakes in flight, pinged
 * (a WebSocket ping, answered by the gateway, and the protocol's {@code ping} frame, answered by
 * chat-service through the relay), used to send numbered messages, and watched for closes. Socket
 * {@code i} belongs to user {@code i % users} and sits in that user's conversation; every socket of a
 * conversation must receive each message sent in it once.
 */
final class Fleet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "soak;";
    /** Unexpected closes described one by one, beyond that only counted. */
    private static final int CLOSES_DESCRIBED = 10;

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client;
    private final String host;
    private final int port;
    private final long startNanos;
    private final List<Member> members = new ArrayList<>();
    private final int[] socketsPerConversation;
    /** Each user's current access token: a socket opens with it, and is given the next one before it expires. */
    private final AtomicReferenceArray<String> tokens;
    private final AtomicLongArray sentPerConversation;
    /** Send time of message {@code i}, for its delivery latency; 0 until it is sent. */
    private final AtomicLongArray sentAt;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong wsPings = new AtomicLong();
    private final AtomicLong wsPongs = new AtomicLong();
    private final AtomicLong protocolPings = new AtomicLong();
    private final AtomicLong protocolPongs = new AtomicLong();
    private final AtomicLong handshakeRetries = new AtomicLong();
    private final AtomicLong authSent = new AtomicLong();
    private final AtomicLong authOk = new AtomicLong();
    private final Map<String, AtomicLong> handshakeFailures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errorFrames = new ConcurrentHashMap<>();
    private final Map<Integer, Long> unexpectedCloses = Collections.synchronizedMap(new TreeMap<>());
    private final List<String> closesDescribed = Collections.synchronizedList(new ArrayList<>());
    private final Histogram handshake = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
    private final Histogram delivery = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
    private final Histogram pong = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
    private long pingTimer = -1;

    /** One socket and what it received. */
    private final class Member {
        final int index;
        final int conversation;
        final String conversationId;
        final int user;
        volatile WebSocket socket;
        /** Set before the client closes the socket itself: every other close is unexpected. */
        volatile boolean closingByUs;
        /** Message numbers received. */
        final BitSet received = new BitSet();

        Member(int index, int conversation, String conversationId, int user) {
            this.index = index;
            this.conversation = conversation;
            this.conversationId = conversationId;
            this.user = user;
        }
    }

    /**
     * {@code conversationOfSocket.get(i)} is socket {@code i}'s conversation as an index into {@code conversationIds};
     * {@code userOfSocket.get(i)} its user as an index into {@code tokenOfUser}, the users' access tokens;
     * {@code maxMessages} bounds the messages this run sends.
     */
    Fleet(String host, int port, List<Integer> conversationOfSocket, List<String> conversationIds, List<Integer> userOfSocket,
            List<String> tokenOfUser, int maxMessages, long startNanos) {
        this.host = host;
        this.port = port;
        this.startNanos = startNanos;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(conversationOfSocket.size() + 10)
                .setConnectTimeout(10_000));
        socketsPerConversation = new int[conversationIds.size()];
        sentPerConversation = new AtomicLongArray(conversationIds.size());
        sentAt = new AtomicLongArray(maxMessages);
        tokens = new AtomicReferenceArray<>(tokenOfUser.toArray(String[]::new));
        for (int i = 0; i < conversationOfSocket.size(); i++) {
            int conversation = conversationOfSocket.get(i);
            socketsPerConversation[conversation]++;
            members.add(new Member(i, conversation, conversationIds.get(conversation), userOfSocket.get(i)));
        }
    }

    /** Opens every socket, at most {@code concurrency} handshakes at a time; a failed handshake is tried up to {@code attempts} times. */
    void open(int concurrency, int attempts) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(members.size());
        for (Member member : members) {
            inFlight.acquire();
            connect(member, attempts, () -> {
                inFlight.release();
                done.countDown();
            });
        }
        if (!done.await(members.size() / 10 + 120L, TimeUnit.SECONDS)) {
            System.out.println("not every handshake finished in time; the missing sockets count as not opened");
        }
    }

    private void connect(Member member, int attemptsLeft, Runnable done) {
        long begun = System.nanoTime();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
                .setURI("/ws/chat/" + member.conversationId + "/").addHeader("Authorization", "Bearer " + tokens.get(member.user));
        client.connect(options).onComplete(ar -> {
            if (ar.succeeded()) {
                handshake.recordValue(System.nanoTime() - begun);
                watch(member, ar.result());
                done.run();
                return;
            }
            String cause = ar.cause() instanceof UpgradeRejectedException r ? "HTTP " + r.getStatus()
                    : ar.cause().getClass().getSimpleName();
            handshakeFailures.computeIfAbsent(cause, k -> new AtomicLong()).incrementAndGet();
            if (attemptsLeft > 1) {
                handshakeRetries.incrementAndGet();
                vertx.setTimer(500, t -> connect(member, attemptsLeft - 1, done));
            } else {
                done.run();
            }
        });
    }

    private void watch(Member member, WebSocket socket) {
        member.socket = socket;
        socket.textMessageHandler(text -> onFrame(member, text));
        socket.pongHandler(payload -> {
            wsPongs.incrementAndGet();
            if (payload.length() == Long.BYTES) {
                pong.recordValue(Math.max(0, System.nanoTime() - payload.getLong(0)));
            }
        });
        socket.closeHandler(v -> {
            if (member.closingByUs) {
                return;
            }
            int code = socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode();
            unexpectedCloses.merge(code, 1L, Long::sum);
            if (closesDescribed.size() < CLOSES_DESCRIBED) {
                closesDescribed.add(String.format("socket %d (conversation %s) closed at %.1f s with %d %s", member.index,
                        member.conversationId, (System.nanoTime() - startNanos) / 1e9, code, socket.closeReason()));
            }
        });
    }

    private void onFrame(Member member, String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            errorFrames.computeIfAbsent("unparseable frame", k -> new AtomicLong()).incrementAndGet();
            return;
        }
        switch (frame.path("type").asText()) {
            case "message" -> received(member, frame.path("message").path("content").asText());
            case "pong" -> protocolPongs.incrementAndGet();
            case "auth_ok" -> authOk.incrementAndGet();
            case "error" -> errorFrames.computeIfAbsent(frame.path("code").asText(), k -> new AtomicLong()).incrementAndGet();
            default -> {
                // connection_established, presence, typing, read: not part of the soak's checks
            }
        }
    }

    private void received(Member member, String content) {
        if (!content.startsWith(PREFIX)) {
            return;
        }
        int number = Integer.parseInt(content.substring(PREFIX.length()));
        boolean first;
        synchronized (member.received) {
            first = !member.received.get(number);
            member.received.set(number);
        }
        if (!first) {
            duplicates.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
        long at = sentAt.get(number);
        if (at != 0) {
            delivery.recordValue(Math.max(0, System.nanoTime() - at));
        }
    }

    /** Sends message {@code number} from socket {@code number % sockets}, or the next open one; false if none is open. */
    boolean send(int number) {
        for (int k = 0; k < members.size(); k++) {
            Member member = members.get((number + k) % members.size());
            WebSocket socket = member.socket;
            if (socket != null && !socket.isClosed()) {
                sentAt.set(number, System.nanoTime());
                sentPerConversation.incrementAndGet(member.conversation);
                sent.incrementAndGet();
                socket.writeTextMessage("{\"type\":\"message\",\"content\":\"" + PREFIX + number + "\"}");
                return true;
            }
        }
        return false;
    }

    /** Gives every open socket of {@code user} its new access token ({@code auth} frame), as a client does after a refresh. */
    void reauthenticate(int user, String token) {
        tokens.set(user, token);
        String frame = "{\"type\":\"auth\",\"token\":\"" + token + "\"}";
        for (Member member : members) {
            WebSocket socket = member.socket;
            if (member.user == user && socket != null && !socket.isClosed()) {
                authSent.incrementAndGet();
                socket.writeTextMessage(frame);
            }
        }
    }

    /** Pings every open socket once per {@code everySeconds}, spread evenly over that period. */
    void startPinging(int everySeconds) {
        long[] tick = { 0 };
        pingTimer = vertx.setPeriodic(1000, t -> {
            long turn = tick[0]++ % everySeconds;
            for (Member member : members) {
                WebSocket socket = member.socket;
                if (member.index % everySeconds == turn && socket != null && !socket.isClosed()) {
                    wsPings.incrementAndGet();
                    socket.writePing(Buffer.buffer(Long.BYTES).appendLong(System.nanoTime()));
                    protocolPings.incrementAndGet();
                    socket.writeTextMessage("{\"type\":\"ping\"}");
                }
            }
        });
    }

    void stopPinging() {
        vertx.cancelTimer(pingTimer);
    }

    /** Waits until every delivery and every pong has arrived, or {@code seconds} have passed. */
    void drain(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && (lost() > 0 || pingsUnanswered() > 0 || authUnanswered() > 0)) {
            Thread.sleep(200);
        }
    }

    /** Closes every socket, as the client: these closes are expected. */
    void close() throws Exception {
        for (Member member : members) {
            member.closingByUs = true;
            WebSocket socket = member.socket;
            if (socket != null && !socket.isClosed()) {
                socket.close();
            }
        }
        Thread.sleep(2000); // let the close handshakes go out before the event loops stop
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    int size() {
        return members.size();
    }

    int openCount() {
        return (int) members.stream().filter(m -> m.socket != null && !m.socket.isClosed()).count();
    }

    /** Sockets whose handshake succeeded (open now or closed since). */
    int openedCount() {
        return (int) members.stream().filter(m -> m.socket != null).count();
    }

    long sent() {
        return sent.get();
    }

    long delivered() {
        return delivered.get();
    }

    long expectedDeliveries() {
        long expected = 0;
        for (int c = 0; c < socketsPerConversation.length; c++) {
            expected += sentPerConversation.get(c) * socketsPerConversation[c];
        }
        return expected;
    }

    long lost() {
        return Math.max(0, expectedDeliveries() - delivered.get());
    }

    long duplicates() {
        return duplicates.get();
    }

    long pingsUnanswered() {
        return Math.max(0, wsPings.get() - wsPongs.get()) + Math.max(0, protocolPings.get() - protocolPongs.get());
    }

    /** {@code auth} frames not answered with {@code auth_ok} (a refusal is an {@code invalid_token} error frame). */
    long authUnanswered() {
        return Math.max(0, authSent.get() - authOk.get());
    }

    Map<Integer, Long> unexpectedCloses() {
        synchronized (unexpectedCloses) {
            return new TreeMap<>(unexpectedCloses);
        }
    }

    List<String> closesDescribed() {
        synchronized (closesDescribed) {
            return List.copyOf(closesDescribed);
        }
    }

    /** The details behind the summary line, for the report. */
    List<String> details() {
        return List.of(
                String.format("handshakes: %d opened of %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms; failed attempts %s, retried %d",
                        openedCount(), size(), ms(handshake.getValueAtPercentile(50)), ms(handshake.getValueAtPercentile(99)),
                        ms(handshake.getMaxValue()), handshakeFailures, handshakeRetries.get()),
                String.format("pings: WebSocket %d sent, %d pongs (p50 %.1f ms, p99 %.1f ms, max %.1f ms); protocol %d sent, %d pongs",
                        wsPings.get(), wsPongs.get(), ms(pong.getValueAtPercentile(50)), ms(pong.getValueAtPercentile(99)),
                        ms(pong.getMaxValue()), protocolPings.get(), protocolPongs.get()),
                String.format("re-authentication: %d auth frames sent with refreshed tokens, %d auth_ok", authSent.get(), authOk.get()),
                String.format("messages: %d sent, %d of %d deliveries, %d duplicated, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                        + "error frames %s", sent.get(), delivered.get(), expectedDeliveries(), duplicates.get(),
                        ms(delivery.getValueAtPercentile(50)), ms(delivery.getValueAtPercentile(99)), ms(delivery.getMaxValue()),
                        errorFrames));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
