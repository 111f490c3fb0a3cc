package org.chatsuite.load.ceiling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The machine's broadcast ceiling: a plain Vert.x WebSocket server on two event loops, with no
 * authentication, no storage and no Redis, that speaks chat-service's frames on the same path
 * ({@code /ws/chat/{conversation_id}/}). A {@code message} frame becomes chat-service's
 * {@code {"type":"message","message":{...}}}, serialised once and written to every socket of the
 * room, the sender's own included (as chat-service does, in one order for everyone), so that
 * ChatLoad's {@code messages} mode measures it exactly as it measures the suite. What the suite
 * reaches next to this server on the same machine says how much its authentication, storage and
 * relaying cost.
 *
 * <p>Run as its own JVM (what ChatLoad's {@code --target ceiling} does, like the suite's services):
 * {@code java -cp … org.chatsuite.load.ceiling.BroadcastServer PORT}.
 */
public final class BroadcastServer {

    /** Two event loops: the two cores of the machine the figures come from. */
    public static final int EVENT_LOOPS = 2;
    private static final Pattern PATH = Pattern.compile("^/ws/chat/([^/?]+)/?$");

    /** One conversation's sockets; broadcasting holds its lock so every socket sees one order. */
    private static final class Room {
        final List<ServerWebSocket> sockets = new ArrayList<>();
        long lastMillis;
        long sequence;
        long senders;
    }

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

    private BroadcastServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BroadcastServer PORT");
            System.exit(2);
        }
        start(Integer.parseInt(args[0])).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("broadcast server listening on port " + args[0]);
        Thread.currentThread().join(); // until the process is stopped
    }

    /** Listens on {@code port} (loopback) with {@link #EVENT_LOOPS} event loops; completes with the Vert.x instance to close. */
    public static io.vertx.core.Future<Vertx> start(int port) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS));
        BroadcastServer server = new BroadcastServer();
        // One verticle per event loop, each with its own server on the same port: Vert.x spreads
        // the accepted connections over them.
        return vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer().webSocketHandler(server::open).listen(port, "127.0.0.1")
                        .<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(EVENT_LOOPS)).map(id -> vertx);
    }

    private void open(ServerWebSocket socket) {
        Matcher path = PATH.matcher(socket.path());
        if (!path.matches()) {
            socket.reject(404);
            return;
        }
        String conversation = path.group(1);
        Room room = rooms.computeIfAbsent(conversation, c -> new Room());
        long sender;
        synchronized (room) {
            room.sockets.add(socket);
            sender = ++room.senders;
        }
        socket.writeTextMessage(new JsonObject().put("type", "connection_established").put("message", "Connected to chat")
                .put("conversation_id", conversation).encode());
        socket.textMessageHandler(text -> onText(socket, conversation, room, sender, text));
        socket.closeHandler(v -> {
            synchronized (room) {
                room.sockets.remove(socket);
            }
        });
    }

    private void onText(ServerWebSocket socket, String conversation, Room room, long sender, String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            socket.writeTextMessage(error("invalid_json", "Frame is not valid JSON"));
            return;
        }
        switch (frame.getString("type", "")) {
            case "message" -> broadcast(conversation, room, sender, frame);
            case "ping" -> socket.writeTextMessage("{\"type\":\"pong\"}");
            default -> socket.writeTextMessage(error("unknown_type", "Unknown frame type"));
        }
    }

    /** chat-service's message frame: an id in the stream-id form, the same fields, written to the whole room. */
    private void broadcast(String conversation, Room room, long sender, JsonObject frame) {
        synchronized (room) {
            long now = System.currentTimeMillis();
            room.sequence = now == room.lastMillis ? room.sequence + 1 : 0;
            room.lastMillis = now;
            JsonObject message = new JsonObject().put("id", now + "-" + room.sequence).put("conversation_id", conversation)
                    .put("sender_id", sender).put("sender_name", "Load Tester").put("sender_email", "sender-" + sender + "@example.com")
                    .put("content", frame.getValue("content")).put("timestamp", now / 1000.0)
                    .put("created_at", Instant.ofEpochMilli(now).toString()).put("client_id", frame.getValue("client_id"));
            String text = new JsonObject().put("type", "message").put("message", message).encode();
            for (ServerWebSocket socket : room.sockets) {
                socket.writeTextMessage(text);
            }
        }
    }

    private static String error(String code, String message) {
        return new JsonObject().put("type", "error").put("code", code).put("message", message).encode();
    }
}
