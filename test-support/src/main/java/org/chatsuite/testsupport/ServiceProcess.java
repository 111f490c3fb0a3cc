package org.chatsuite.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.PackagedService;
import org.chatsuite.processes.ServicePorts;

/**
 * A packaged service ({@code target/quarkus-app/quarkus-run.jar}, or a native executable) running as its own process on
 * free loopback ports (its API and its management interface): another replica, or a real upstream for the service under
 * test. It can be stopped, killed and started again on the same ports. Its output goes to {@code target/<name>-<port>.log}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path artifact;
    private final Map<String, String> environment;
    private final Map<String, String> config;
    private final ServicePorts ports;
    private final Path log;
    private LocalProcess process;

    private ServiceProcess(String name, Path artifact, ServicePorts ports, Map<String, String> environment,
            Map<String, String> config) {
        this.name = name;
        this.artifact = artifact;
        this.ports = ports;
        this.environment = environment;
        this.config = new HashMap<>(config);
        this.config.put("quarkus.http.port", String.valueOf(ports.http()));
        this.config.put("quarkus.management.port", String.valueOf(ports.management()));
        this.log = Path.of("target", name + "-" + ports.http() + ".log").toAbsolutePath();
    }

    /**
     * Starts {@code jar} on free ports with the given configuration (as system properties) and waits until
     * it reports itself ready.
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> config) {
        return start(name, jar, ServicePorts.free(), System.getenv(), config);
    }

    /**
     * Starts {@code jar} on {@code ports} with exactly {@code environment} and the given configuration
     * (as system properties, which win over the environment), and waits until it reports itself ready.
     */
    static ServiceProcess start(String name, Path jar, ServicePorts ports, Map<String, String> environment,
            Map<String, String> config) {
        ServiceProcess service = new ServiceProcess(name, jar, ports, environment, config);
        service.start();
        return service;
    }

    /**
     * The packaged jar of a module, e.g. {@code siblingJar("user-service")}, seen from another
     * module's directory or from the repository root.
     */
    public static Path siblingJar(String module) {
        return PackagedService.jar(Path.of(".."), module)
                .or(() -> PackagedService.jar(Path.of("."), module))
                .orElseThrow(() -> new IllegalStateException(module + "/target/quarkus-app/quarkus-run.jar does not exist: build "
                        + module + " first (./mvnw -B verify from the repository root builds the modules in order)"));
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
        // Benchmarks holding tens of thousands of sockets raise it (-Dchatsuite.service.xmx=1g).
        List<String> jvmOptions = List.of("-Xmx" + System.getProperty("chatsuite.service.xmx", "256m"));
        process = LocalProcess.start(name, PackagedService.command(artifact, jvmOptions, config), environment, log,
                artifact.getParent());
        try {
            process.awaitHealthy(ports.management(), READY_TIMEOUT);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Stops the process (SIGTERM, so it shuts down gracefully) and waits for it to exit. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_GRACE);
            process = null;
        }
    }

    /** Kills the process with SIGKILL, as a crash would: no graceful shutdown, sockets just vanish. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
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
        return ports.http();
    }

    public String url() {
        return ports.url();
    }

    /** Where its health ({@code /q/health/*}) and metrics ({@code /q/metrics}) are. */
    public String managementUrl() {
        return ports.managementUrl();
    }
}
