package org.chatsuite.testsupport;

import java.io.File;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A packaged service ({@code target/quarkus-app/quarkus-run.jar}, or a native executable) running as its own process on a
 * free loopback port: another replica, or a real upstream for the service under test.
 * Its output goes to {@code target/<name>-<port>.log}.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Path jar;
    private final Map<String, String> config;
    private final int port;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, Path jar, Map<String, String> config, int port) {
        this.name = name;
        this.jar = jar;
        this.config = config;
        this.port = port;
        this.log = Path.of("target", name + "-" + port + ".log").toAbsolutePath();
    }

    /**
     * Starts {@code jar} with the given configuration (as system properties) and waits until
     * {@code /q/health/ready} answers 200.
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> config) {
        ServiceProcess service = new ServiceProcess(name, jar, config, EmbeddedStores.freePort());
        service.start();
        return service;
    }

    /**
     * The packaged jar of a module, e.g. {@code siblingJar("user-service")}, seen from another
     * module's directory or from the repository root.
     */
    public static Path siblingJar(String module) {
        Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            jar = Path.of(module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build " + module
                    + " first (./mvnw -B verify from the repository root builds the modules in order)");
        }
        return jar;
    }

    /**
     * This module's own packaged application (for a second replica in an integration test): the
     * native executable when the build made one (failsafe's {@code native.image.path}), else the jar.
     */
    public static Path ownJar() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isRegularFile(Path.of(nativeImage))) {
            return Path.of(nativeImage).toAbsolutePath();
        }
        return Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        boolean isJar = jar.toString().endsWith(".jar");
        if (isJar) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // Benchmarks holding tens of thousands of sockets raise it (-Dchatsuite.service.xmx=1g).
            command.add("-Xmx" + System.getProperty("chatsuite.service.xmx", "256m"));
        } else {
            command.add(jar.toString()); // a native executable takes the same -D options
        }
        command.add("-Dquarkus.http.port=" + port);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (isJar) {
            command.add("-jar");
            command.add(jar.toString());
        }
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .directory(new File(jar.getParent().toString()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    /** Kills the process (SIGTERM, so it shuts down gracefully) and waits for it to exit. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the process with SIGKILL, as a crash would: no graceful shutdown, sockets just vanish. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** Process id, e.g. to read the resident memory from /proc. */
    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }
}
