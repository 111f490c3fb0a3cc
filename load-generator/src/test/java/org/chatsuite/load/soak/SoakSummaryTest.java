package org.chatsuite.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.chatsuite.load.soak.SoakSummary.Memory;
import org.junit.jupiter.api.Test;

class SoakSummaryTest {

    private static final long MIB = 1024 * 1024;
    private static final Map<String, Memory> START = memory(40, 300, 60, 400);
    private static final Map<String, Memory> END = memory(41, 310, 62, 420);

    @Test
    void aCleanRunPassesAndSaysSoInOneLine() {
        SoakSummary summary = summary(5000, Map.of(), 0, 0, 0, 0, 0, 0);

        assertThat(summary.failures()).isEmpty();
        assertThat(summary.exitCode()).isZero();
        assertThat(summary.lastLine()).isEqualTo("soak: sockets 5000, held 600 s, unexpected closes 0, pings unanswered 0, "
                + "messages sent 30000, lost 0, duplicated 0, pool errors 0, error lines 0, "
                + "heap start→end gateway 40.0→41.0 MiB, chat-service-1 60.0→62.0 MiB, "
                + "rss start→end gateway 300→310 MiB, chat-service-1 400→420 MiB");
    }

    @Test
    void unexpectedClosesFailTheRunWithTheirCodes() {
        SoakSummary summary = summary(5000, Map.of(1006, 2L, 4401, 1L), 0, 0, 0, 0, 0, 0);

        assertThat(summary.unexpectedCloseCount()).isEqualTo(3);
        assertThat(summary.lastLine()).contains("unexpected closes 3,");
        assertThat(summary.exitCode()).isEqualTo(1);
        assertThat(summary.failures()).singleElement().asString().contains("3 sockets closed unexpectedly").contains("1006=2");
    }

    @Test
    void socketsThatNeverOpenedFailTheRun() {
        SoakSummary summary = summary(4990, Map.of(), 0, 0, 0, 0, 0, 0);

        assertThat(summary.lastLine()).startsWith("soak: sockets 4990,");
        assertThat(summary.failures()).containsExactly("10 of 5000 sockets could not be opened");
    }

    @Test
    void everyOtherKindOfProblemFailsTheRunToo() {
        assertThat(summary(5000, Map.of(), 1, 0, 0, 0, 0, 0).failures()).containsExactly("1 pings unanswered");
        assertThat(summary(5000, Map.of(), 0, 2, 0, 0, 0, 0).failures()).containsExactly("2 auth frames (refreshed tokens) unanswered");
        assertThat(summary(5000, Map.of(), 0, 0, 3, 0, 0, 0).failures()).containsExactly("3 deliveries lost, 0 duplicated");
        assertThat(summary(5000, Map.of(), 0, 0, 0, 4, 0, 0).failures()).containsExactly("0 deliveries lost, 4 duplicated");
        assertThat(summary(5000, Map.of(), 0, 0, 0, 0, 5, 0).failures())
                .containsExactly("5 pool error lines and 0 ERROR lines in the services' logs");
        assertThat(summary(5000, Map.of(), 0, 0, 0, 0, 0, 6).failures())
                .containsExactly("0 pool error lines and 6 ERROR lines in the services' logs");
        assertThat(summary(5000, Map.of(), 0, 0, 0, 0, 0, 6).exitCode()).isEqualTo(1);
    }

    @Test
    void aServiceNotSampledAtTheEndIsShownAsUnknown() {
        SoakSummary summary = new SoakSummary(5000, 5000, 600, Map.of(), 0, 0, 30000, 0, 0, 0, 0, START,
                Map.of("gateway", END.get("gateway")));

        assertThat(summary.lastLine()).contains("chat-service-1 60.0→? MiB").contains("chat-service-1 400→? MiB");
    }

    private static SoakSummary summary(int opened, Map<Integer, Long> closes, long pings, long auth, long lost, long duplicates,
            long poolErrors, long errorLines) {
        return new SoakSummary(5000, opened, 600, closes, pings, auth, 30000, lost, duplicates, poolErrors, errorLines, START, END);
    }

    private static Map<String, Memory> memory(long gatewayHeapMiB, long gatewayRssMiB, long chatHeapMiB, long chatRssMiB) {
        Map<String, Memory> memory = new LinkedHashMap<>();
        memory.put("gateway", new Memory(gatewayHeapMiB * MIB, gatewayRssMiB * 1024));
        memory.put("chat-service-1", new Memory(chatHeapMiB * MIB, chatRssMiB * 1024));
        return memory;
    }
}
