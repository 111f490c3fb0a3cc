package org.chatsuite.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessTest {

    @TempDir
    Path dir;

    private LocalProcess shell(String script) {
        return LocalProcess.start("test", List.of("/bin/sh", "-c", script), System.getenv(), dir.resolve("test.log"), null);
    }

    @Test
    void outputIsAppendedToTheLogAcrossRuns() throws Exception {
        for (String word : List.of("first", "second")) {
            LocalProcess process = shell("echo " + word + "; echo to-stderr >&2");
            process.onExit().join();
        }
        assertEquals(List.of("first", "to-stderr", "second", "to-stderr"), Files.readAllLines(dir.resolve("test.log")));
    }

    @Test
    void waitingEndsWhenTheConditionHolds() {
        LocalProcess process = shell("sleep 60");
        AtomicInteger polls = new AtomicInteger();
        process.awaitReady(Duration.ofSeconds(30), () -> polls.incrementAndGet() == 3);
        assertEquals(3, polls.get());
        assertTrue(process.stop(Duration.ofSeconds(10)));
    }

    @Test
    void aProcessThatExitsWhileAwaitedFailsAtOnceNamingItsLog() {
        LocalProcess process = shell("exit 3");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> process.awaitReady(Duration.ofMinutes(5), () -> false));
        assertEquals("test exited with 3; see " + dir.resolve("test.log"), failure.getMessage());
    }

    @Test
    void aProcessThatNeverGetsReadyTimesOut() {
        LocalProcess process = shell("sleep 60");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> process.awaitReady(Duration.ofSeconds(1), () -> false));
        assertTrue(failure.getMessage().startsWith("test was not ready within 1 s"), failure.getMessage());
        process.kill();
    }

    @Test
    void stopTermsAndKillsWhatIgnoresItTogetherWithItsChildren() {
        LocalProcess polite = shell("sleep 60");
        assertTrue(polite.stop(Duration.ofSeconds(10)));
        assertFalse(polite.isAlive());

        // sh ignores SIGTERM, and so does the sleep it starts.
        LocalProcess stubborn = shell("trap '' TERM; sleep 60; echo done");
        stubborn.awaitReady(Duration.ofSeconds(10), () -> ProcessHandle.of(stubborn.pid()).orElseThrow().children().findAny().isPresent());
        List<ProcessHandle> children = ProcessHandle.of(stubborn.pid()).orElseThrow().descendants().toList();
        assertFalse(stubborn.stop(Duration.ofMillis(500)));
        assertFalse(stubborn.isAlive());
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    @Test
    void killIsACrash() {
        LocalProcess process = shell("trap '' TERM; sleep 60");
        process.kill();
        assertFalse(process.isAlive());
        assertEquals(137, process.exitValue());
    }
}
