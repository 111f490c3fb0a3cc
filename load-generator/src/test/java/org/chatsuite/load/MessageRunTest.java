package org.chatsuite.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.chatsuite.load.ceiling.BroadcastServer;
import org.chatsuite.processes.Ports;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

/** The messages mode's accounting, against the in-process ceiling: every delivery counted once, steps kept apart. */
class MessageRunTest {

    @Test
    void everyMessageIsCountedOnceOnEveryMemberSocketInEachStep() throws Exception {
        int port = Ports.free();
        Vertx server = BroadcastServer.start(port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<String> tokens = new ArrayList<>();
        Map<Integer, String> conversationOf = new HashMap<>();
        for (int i = 0; i < 7; i++) { // groups of 3, 3 and 1
            tokens.add("none");
            conversationOf.put(i, "room-" + i / 3);
        }
        try (MessageRun run = new MessageRun(List.of("http://127.0.0.1:" + port), tokens, conversationOf)) {
            for (int step = 0; step < 2; step++) {
                MessageRun.Result result = run.run(70, 0, 1);

                assertThat(result.sent()).isEqualTo(70);
                // Each user sends 10 of the 70, each seen by every member of its room: 3 + 3 + 3, 3 + 3 + 3 and 1.
                assertThat(result.expected()).isEqualTo(10 * (9 + 9 + 1));
                assertThat(result.delivered()).isEqualTo(result.expected());
                assertThat(result.lost()).isZero();
                assertThat(result.duplicates()).isZero();
                assertThat(result.reorders()).isZero();
                assertThat(result.errors()).isZero();
                assertThat(result.latency().getTotalCount()).isEqualTo(result.delivered());
            }
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
