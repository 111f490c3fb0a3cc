package org.chatsuite.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One service process of the local suite, supervised: its output goes to a log file, its pid to a
 * file (so that tests and people can signal it), and when it exits without being asked it is
 * started again, with a growing pause, until it crashes too often.
 */
final class ManagedService {

    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final Path log;
    private final Path pidFile;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    /** Set by the launcher as its shutdown begins, before it stops the services one by one. */
    private final AtomicBoolean suiteStopping;
    private Process process;
    private boolean stopping;

    ManagedService(String name, List<String> command, Map<String, String> environment, int port, Path logs, Path run,
            AtomicBoolean suiteStopping) {
        this.name = name;
        this.suiteStopping = suiteStopping;
        this.command = command;
        this.environment = environment;
        this.port = port;
        this.log = logs.resolve(name + ".log");
        this.pidFile = run.resolve(name + ".pid");
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized void start() {
        if (stopping || suiteStopping.get()) {
            return; // a restart that lost the race against Ctrl-C
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear(); // the composed environment already holds what the launcher inherited
        builder.environment().putAll(environment);
        try {
            process = builder.start();
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        Process started = process;
        started.onExit().thenRun(() -> exited(started));
    }

    /** Waits until {@code /q/health/ready} answers 200; fails early when the process dies. */
    void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Process current = current();
            if (current == null || !current.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; see " + log);
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            Processes.sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
    }

    /** SIGTERM (the service drains: sockets are closed with 1001), then a kill if it takes too long. */
    void stop() {
        Process current;
        synchronized (this) {
            stopping = true;
            current = process;
        }
        if (current == null) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(20, TimeUnit.SECONDS)) {
                Console.warn("%s did not stop within 20 s; killing it", name);
                current.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // a stale pid file is recognised at the next start
        }
    }

    private synchronized boolean isStopping() {
        return stopping || suiteStopping.get();
    }

    private synchronized Process current() {
        return process;
    }

    private void exited(Process which) {
        // On Ctrl-C the terminal signals every process at once; give the launcher's own shutdown a moment to say so.
        Processes.sleep(Duration.ofSeconds(1));
        if (isStopping() || which != current()) {
            return;
        }
        if (!mayRestart()) {
            Console.warn("%s exited with %d and crashed %d times within %d minutes; not restarting it (see %s)", name,
                    which.exitValue(), MAX_RESTARTS, RESTART_WINDOW.toMinutes(), log);
            return;
        }
        Duration pause = Duration.ofSeconds(1L << Math.min(restarts.size() - 1, 4));
        Console.warn("%s exited unexpectedly with %d; restarting it in %d s (see %s)", name, which.exitValue(),
                pause.toSeconds(), log);
        Processes.sleep(pause);
        if (isStopping()) {
            return;
        }
        try {
            start();
            if (isStopping()) {
                return;
            }
            awaitReady();
            Console.info("%s is back on port %d", name, port);
        } catch (RuntimeException e) {
            Console.warn("%s", e.getMessage());
        }
    }

    private synchronized boolean mayRestart() {
        Instant now = Instant.now();
        while (!restarts.isEmpty() && restarts.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
            restarts.removeFirst();
        }
        if (restarts.size() >= MAX_RESTARTS) {
            return false;
        }
        restarts.addLast(now);
        return true;
    }
}
