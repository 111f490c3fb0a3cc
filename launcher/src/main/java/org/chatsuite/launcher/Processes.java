package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Processes known only by a pid file: the leftovers of a launcher that was killed. */
final class Processes {

    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private Processes() {
    }

    /**
     * Stops the process named in {@code pidFile} (its first line) if it is alive and its command
     * contains {@code commandPart} (so that a recycled pid is left alone), then deletes a stale file.
     * An unreadable pid file is reported and removed.
     */
    static void stopFromPidFile(Path pidFile, String commandPart, String what) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            Console.warn("ignoring the unreadable pid file %s", pidFile);
            deleteQuietly(pidFile);
            return;
        }
        ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains(commandPart)).orElse(false)
                        || p.info().commandLine().map(c -> c.contains(commandPart)).orElse(false))
                .ifPresent(p -> {
                    Console.warn("stopping %s (pid %d) left over from an earlier run", what, pid);
                    p.destroy();
                    try {
                        p.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (TimeoutException | ExecutionException e) {
                        p.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return; // another program now has this pid: not ours to remove
        }
        deleteQuietly(pidFile);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next start tries again
        }
    }
}
