package org.chatsuite.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * Many WebSockets at once through the gateway, as a reconnect storm would open them: a bounded
 * number of handshakes in flight, every frame of every socket kept, every close code remembered.
 */
final class Sockets implements AutoCloseable {

    /** One client socket and what it saw. */
    static final class Socket {
        final String token;
        final Queue<JsonObject> frames = new ConcurrentLinkedQueue<>();
        final CompletableFuture<Short> closed = new CompletableFuture<>();
        volatile WebSocket ws;

        Socket(String token) {
            this.token = token;
        }

        long countOfType(String type) {
            return frames.stream().filter(f -> type.equals(f.getString("type"))).count();
        }

        boolean received(String messageId) {
            return frames.stream().anyMatch(f -> "message".equals(f.getString("type"))
                    && messageId.equals(f.getJsonObject("message").getString("id")));
        }
    }

    private final WebSocketClient client;
    final List<Socket> sockets = new ArrayList<>();
    final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    Sockets(Vertx vertx) {
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setConnectTimeout(10_000));
    }

    /** Opens one socket per token to {@code path} with at most {@code inFlight} handshakes at a time. */
    Sockets open(int port, String path, List<String> tokens, int inFlight, Duration timeout) {
        tokens.forEach(t -> sockets.add(new Socket(t)));
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < inFlight; lane++) {
            lanes.add(openNext(port, path, next));
        }
        try {
            Future.join(lanes).toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("handshakes did not finish within " + timeout + ": " + failures, e);
        }
        return this;
    }

    private Future<Void> openNext(int port, String path, AtomicInteger next) {
        int index = next.getAndIncrement();
        if (index >= sockets.size()) {
            return Future.succeededFuture();
        }
        Socket socket = sockets.get(index);
        Promise<Void> opened = Promise.promise();
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)
                .addHeader("Authorization", "Bearer " + socket.token).setTimeout(20_000))
                .onSuccess(ws -> {
                    socket.ws = ws;
                    ws.textMessageHandler(text -> socket.frames.add(new JsonObject(text)));
                    ws.closeHandler(v -> socket.closed.complete(ws.closeStatusCode()));
                    opened.complete();
                })
                .onFailure(e -> {
                    failures.add(e);
                    socket.closed.complete((short) -1);
                    opened.complete();
                });
        return opened.future().compose(v -> openNext(port, path, next));
    }

    long openCount() {
        return sockets.stream().filter(s -> s.ws != null && !s.closed.isDone()).count();
    }

    @Override
    public void close() {
        sockets.forEach(s -> {
            if (s.ws != null && !s.ws.isClosed()) {
                s.ws.close();
            }
        });
        client.close();
    }
}
