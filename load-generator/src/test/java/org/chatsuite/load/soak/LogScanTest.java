package org.chatsuite.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogScanTest {

    private static final String INFO = "2026-12-03 09:00:00,001 INFO  [io.quarkus] (main) chat-service started in 3.1s; no ERROR here";
    private static final String ERROR = "2026-12-03 09:00:01,002 ERROR [org.cha.cha.rea.ChatSocket] (vert.x-eventloop-thread-0) "
            + "frame Message on socket 12 failed";
    private static final String POOL = "2026-12-03 09:00:02,003 WARN  [org.cha.gat.rou.Upstream] (vert.x-eventloop-thread-1) "
            + "proxying failed: io.vertx.core.http.ConnectionPoolTooBusyException: Connection pool reached max wait queue size of 64";
    private static final String CAUSE = "Caused by: io.vertx.redis.client.impl.ConnectionPoolTooBusyException: busy";
    private static final String WARN = "2026-12-03 09:00:03,004 WARN  [org.cha.cha.rea.FanOut] (vert.x-eventloop-thread-0) "
            + "Redis subscriber connection lost";

    @Test
    void countsPoolErrorsErrorLinesAndWarnings() {
        LogScan scan = LogScan.of(Stream.of(INFO, ERROR, "\tat org.chatsuite.Something(Something.java:1)", POOL, CAUSE, WARN));

        assertThat(scan.poolErrors()).isEqualTo(2);
        assertThat(scan.errorLines()).isEqualTo(1);
        assertThat(scan.warnLines()).isEqualTo(2);
        assertThat(scan.examples()).containsExactly(ERROR, POOL, CAUSE);
    }

    @Test
    void aQuietLogIsClean() {
        LogScan scan = LogScan.of(Stream.of(INFO, INFO));

        assertThat(scan).isEqualTo(new LogScan(0, 0, 0, java.util.List.of()));
    }

    @Test
    void onlyWhatThisRunAppendedIsScanned(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("bench-gateway-8080.log");
        Files.writeString(log, ERROR + "\n" + POOL + "\n");
        long offset = Files.size(log);
        Files.writeString(log, INFO + "\n" + ERROR + "\n", java.nio.file.StandardOpenOption.APPEND);

        LogScan scan = LogScan.of(log, offset);

        assertThat(scan.errorLines()).isEqualTo(1);
        assertThat(scan.poolErrors()).isZero();
    }
}
