package org.chatsuite.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * ChatLoad's {@code messages} mode against one target: every user holds one socket in its group
 * conversation, and the same sockets carry one step per rate of a sweep. A step sends open-loop at a
 * total rate, spread evenly over time and over the conversations (one timer, not one per user, so
 * sends do not come in bursts); every message carries its step, sender, per-sender sequence number
 * and the time it was due, so each receiving socket (the sender's own included) records the latency
 * from when it should have left (a late generator counts against the figure, not for it) and counts
 * duplicates and reorders; losses are deliveries expected (messages × members) minus deliveries seen
 * after a drain. Frames of an earlier step that arrive late are ignored, so steps do not mix.
 */
final class MessageRun implements AutoCloseable {

    /** Deliveries must keep coming at least this often during the drain, which ends after at most {@link #DRAIN_MAX_MS}. */
    private static final long DRAIN_QUIET_MS = 2_000;
    private static final long DRAIN_MAX_MS = 15_000;

    /** One rate's outcome; latency counts the messages due after the warm-up only. */
    record Result(double rate, long sent, double sentPerSecond, long expected, long delivered, double deliveriesPerSecond,
            long duplicates, long reorders, long errors, Histogram latency) {

        long lost() {
            return Math.max(0, expected - delivered);
        }

        double p99Ms() {
            return latency.getValueAtPercentile(99) / 1e6;
        }

        /** Everything delivered once and in order, nothing refused, and p99 within {@code maxP99Ms}. */
        boolean passed(double maxP99Ms) {
            return lost() == 0 && duplicates == 0 && reorders == 0 && errors == 0 && latency.getTotalCount() > 0
                    && p99Ms() <= maxP99Ms;
        }
    }

    /** What one step counts; a receiver's own state is touched only on its socket's event loop. */
    private static final class Step {
        final int number;
        final long measureFrom;
        final Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        final LongAdder delivered = new LongAdder();
        final LongAdder deliveredMeasured = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder reorders = new LongAdder();
        final LongAdder errors = new LongAdder();
        /** Per receiver and sender: the sequence numbers seen, and the highest. */
        final List<Map<Integer, BitSet>> seen = new ArrayList<>();
        final List<Map<Integer, Integer>> highest = new ArrayList<>();

        Step(int number, long measureFrom, int receivers) {
            this.number = number;
            this.measureFrom = measureFrom;
            for (int i = 0; i < receivers; i++) {
                seen.add(new HashMap<>());
                highest.add(new HashMap<>());
            }
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final int[] members;
    /** The order users send in: one member of each conversation in turn, so consecutive sends go to different rooms. */
    private final int[] sendOrder;
    private final AtomicReference<Step> current = new AtomicReference<>();
    private int steps;

    /**
     * Opens one socket per user ({@code tokens.get(i)}) on {@code socketUrls} in turn, to the
     * user's conversation ({@code conversationOf}).
     */
    MessageRun(List<String> socketUrls, List<String> tokens, Map<Integer, String> conversationOf) throws Exception {
        int users = tokens.size();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(users + 10));
        members = new int[users];
        Map<String, List<Integer>> byConversation = new java.util.LinkedHashMap<>();
        for (int i = 0; i < users; i++) {
            byConversation.computeIfAbsent(conversationOf.get(i), c -> new ArrayList<>()).add(i);
        }
        List<Integer> order = new ArrayList<>();
        for (int position = 0; order.size() < users; position++) {
            for (List<Integer> group : byConversation.values()) {
                if (position < group.size()) {
                    order.add(group.get(position));
                }
            }
        }
        sendOrder = order.stream().mapToInt(Integer::intValue).toArray();
        for (List<Integer> group : byConversation.values()) {
            group.forEach(user -> members[user] = group.size());
        }
        for (int i = 0; i < users; i++) {
            URI uri = URI.create(socketUrls.get(i % socketUrls.size()));
            int receiver = i;
            // The handler is set as the socket opens, on its event loop, so no early frame is dropped.
            sockets.add(client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                    .setURI("/ws/chat/" + conversationOf.get(i)).addHeader("Authorization", "Bearer " + tokens.get(i)))
                    .map(socket -> {
                        socket.textMessageHandler(text -> received(receiver, text, System.nanoTime()));
                        return socket;
                    })
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
    }

    /** Sends at {@code rate} msg/s for {@code warmup} + {@code seconds} seconds, drains, and counts. */
    Result run(double rate, int warmup, int seconds) throws InterruptedException {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = start + TimeUnit.SECONDS.toNanos(warmup + seconds);
        Step step = new Step(++steps, measureFrom, sockets.size());
        current.set(step);
        long[] sent = { 0 };
        long[] expected = { 0 };
        long[] expectedMeasured = { 0 };
        long[] seqOf = new long[sockets.size()];
        CountDownLatch done = new CountDownLatch(1);
        // Message k is due at start + k / rate; each millisecond sends whatever is due by now, so the
        // rate holds on average even when a tick is late.
        long total = (long) ((end - start) * rate / 1e9);
        vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            long due = now < start ? 0 : Math.min(total, (long) ((now - start) * rate / 1e9) + 1);
            for (; sent[0] < due; sent[0]++) {
                int user = sendOrder[(int) (sent[0] % sendOrder.length)];
                long dueAt = start + (long) (sent[0] * 1e9 / rate);
                sockets.get(user).writeTextMessage("{\"type\":\"message\",\"content\":\"" + step.number + ";" + user + ";"
                        + ++seqOf[user] + ";" + dueAt + "\"}");
                expected[0] += members[user];
                if (dueAt >= measureFrom) {
                    expectedMeasured[0] += members[user];
                }
            }
            if (now >= end) {
                vertx.cancelTimer(timer);
                done.countDown();
            }
        });
        if (!done.await(warmup + seconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the sending timer did not finish");
        }
        drain(step, expected[0]);
        current.set(null);
        return new Result(rate, sent[0], sent[0] / ((end - start) / 1e9), expected[0], step.delivered.sum(),
                step.deliveredMeasured.sum() / (double) seconds, step.duplicates.sum(), step.reorders.sum(), step.errors.sum(),
                step.latency);
    }

    /** Until every expected delivery arrived, or none arrived for a while. */
    private static void drain(Step step, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DRAIN_MAX_MS;
        long lastCount = -1;
        long lastProgress = System.currentTimeMillis();
        while (step.delivered.sum() < expected && System.currentTimeMillis() < deadline
                && System.currentTimeMillis() - lastProgress < DRAIN_QUIET_MS) {
            long count = step.delivered.sum();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.currentTimeMillis();
            }
            Thread.sleep(50);
        }
    }

    /**
     * A frame on {@code receiver}'s socket. chat-service's message frames start with their type, so
     * the content (our own, no escapes) is cut out of the text instead of parsing every frame.
     */
    private void received(int receiver, String text, long now) {
        Step step = current.get();
        if (step == null) {
            return;
        }
        if (!text.startsWith("{\"type\":\"message\"")) {
            if (text.contains("\"type\":\"error\"")) {
                step.errors.increment();
            }
            return;
        }
        int from = text.indexOf("\"content\":\"") + "\"content\":\"".length();
        String[] parts = text.substring(from, text.indexOf('"', from)).split(";");
        if (Integer.parseInt(parts[0]) != step.number) {
            return; // late from an earlier step, which already counted it as lost
        }
        int sender = Integer.parseInt(parts[1]);
        int seq = Integer.parseInt(parts[2]);
        BitSet seen = step.seen.get(receiver).computeIfAbsent(sender, s -> new BitSet());
        if (seen.get(seq)) {
            step.duplicates.increment();
            return;
        }
        seen.set(seq);
        Integer highest = step.highest.get(receiver).merge(sender, seq, Math::max);
        if (highest != seq) {
            step.reorders.increment();
        }
        step.delivered.increment();
        long dueAt = Long.parseLong(parts[3]);
        if (dueAt >= step.measureFrom) {
            step.deliveredMeasured.increment();
            step.latency.recordValue(Math.max(0, now - dueAt));
        }
    }

    @Override
    public void close() throws Exception {
        sockets.forEach(WebSocket::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
