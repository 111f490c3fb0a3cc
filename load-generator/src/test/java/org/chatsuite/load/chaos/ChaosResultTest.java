package org.chatsuite.load.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.chatsuite.load.chaos.ChaosScenario.Kill;
import org.chatsuite.load.chaos.ChaosScenario.Result;
import org.chatsuite.load.chaos.DeliveryChecker.Problem;
import org.junit.jupiter.api.Test;

class ChaosResultTest {

    private static final List<Kill> KILLS = List.of(new Kill("chat-service replica", 8000, true, 50, 50),
            new Kill("gateway", 16000, true, 100, 100), new Kill("Redis", 24000, true, 0, 0));
    private static final DeliveryChecker.Result CLEAN = new DeliveryChecker.Result(3000, 15000, 0, 0, 0, 0, 0, 0, List.of());

    @Test
    void aCleanRunPassesAndPrintsTheReportTheCliAlwaysPrinted() {
        Result result = result(0, CLEAN, Map.of(), Map.of());

        assertThat(result.passed()).isTrue();
        assertThat(printed(result)).containsExactly(
                "kill of chat-service replica at  8 s: 50 of 100 sockets closed within 3 s",
                "kill of gateway              at 16 s: 100 of 100 sockets closed within 3 s",
                "kill of Redis                at 24 s: 0 of 100 sockets closed within 3 s",
                "sockets opened 250 times (100 members), close codes {1006=100, 1012=50}, error frames {internal=210}, "
                        + "resync_required 0, re-sends answered again with a message already received 9",
                "lost from history 0, deliveries missed 0, duplicated in history 0, delivered twice 0, out of order 0, "
                        + "received but not in history 0, unacknowledged after the drain 0",
                "chaos: sent 3000, acknowledged 3000, delivered 15000, lost 0, duplicated 0, out_of_order 0");
    }

    @Test
    void aLostMessageFailsTheRunAndIsPlacedInItsPhase() {
        Problem lost = new Problem("lost from history", "m7-3", null);
        DeliveryChecker.Result delivery = new DeliveryChecker.Result(3000, 15000, 1, 0, 0, 0, 0, 0, List.of(lost));

        Result result = result(0, delivery, Map.of("lost from history", Map.of("4 after the Redis kill", 1L)),
                Map.of("lost from history", List.of(lost)));

        assertThat(result.passed()).isFalse();
        assertThat(printed(result)).contains("lost from history, by the phase its message was first sent in: "
                + "{4 after the Redis kill=1}; e.g. [Problem[kind=lost from history, clientId=m7-3, messageId=null]]");
    }

    @Test
    void aMessageStillUnacknowledgedFailsTheRun() {
        assertThat(result(1, CLEAN, Map.of(), Map.of()).passed()).isFalse();
    }

    @Test
    void eachKillIsFoundByItsName() {
        assertThat(result(0, CLEAN, Map.of(), Map.of()).kill("gateway").closedBeforeNextKill()).isEqualTo(100);
    }

    private static Result result(long unacknowledged, DeliveryChecker.Result delivery, Map<String, Map<String, Long>> phases,
            Map<String, List<Problem>> examples) {
        Map<String, Long> closeCodes = new LinkedHashMap<>();
        closeCodes.put("1006", 100L);
        closeCodes.put("1012", 50L);
        return new Result(100, 3000, unacknowledged, KILLS, 50, 50, 100, 250, closeCodes, Map.of("internal", 210L), 0, 9, delivery,
                phases, examples);
    }

    private static List<String> printed(Result result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
