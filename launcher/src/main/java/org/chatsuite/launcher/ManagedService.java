package org.chatsuite.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.ServicePorts;

/**
 * One service process of the local suite, supervised: its output goes to a log file, its pid to a
 * file (so that tests and people can signal it), and when it exits without being asked it is
 * started again, with a growing pause, until it crashes too often.
 */
final class ManagedService {

    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final ServicePorts ports;
    private final Path log;
    private final Path pidFile;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    /** Set by the launcher as its shutdown begins, before it stops the services one by one. */
    private final AtomicBoolean suiteStopping;
    private LocalProcess process;
    private boolean stopping;

    ManagedService(String name, List<String> command, Map<String, String> environment, ServicePorts ports, Path logs,
            Path run, AtomicBoolean suiteStopping) {
        this.name = name;
        this.suiteStopping = suiteStopping;
        this.command = command;
        this.environment = environment;
        this.ports = ports;
        this.log = logs.resolve(name + ".log");
        this.pidFile = run.resolve(name + ".pid");
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Where its health ({@code /q/health/*}) and metrics ({@code /q/metrics}) are. */
    String managementUrl() {
        return ports.managementUrl();
    }

    synchronized void start() {
        if (stopping || suiteStopping.get()) {
            return; // a restart that lost the race against Ctrl-C
        }
        // The composed environment already holds what the launcher inherited.
        process = LocalProcess.start(name, command, environment, log, null);
        try {
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pidFile, e);
        }
        LocalProcess started = process;
        started.onExit().thenRun(() -> exited(started));
    }

    /** Waits until the service reports itself ready; fails early when the process dies. */
    void awaitReady() {
        LocalProcess current = current();
        if (current == null) {
            throw new IllegalStateException(name + " was not started; see " + log);
        }
        current.awaitHealthy(ports.management(), READY_TIMEOUT);
    }

    /** SIGTERM (the service drains: sockets are closed with 1001), then a kill if it takes too long. */
    void stop() {
        LocalProcess current;
        synchronized (this) {
            stopping = true;
            current = process;
        }
        if (current == null) {
            return;
        }
        if (!current.stop(STOP_GRACE)) {
            Console.warn("%s did not stop within %d s; killed it", name, STOP_GRACE.toSeconds());
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

    private synchronized LocalProcess current() {
        return process;
    }

    private void exited(LocalProcess which) {
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
            Console.info("%s is back on port %d", name, ports.http());
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
