package org.chatsuite.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.PackagedService;
import org.chatsuite.processes.Ports;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The suite as a user starts it: the launcher jar that {@code ./run.sh} runs, as its own process,
 * on free ports and a data folder under {@code target/}. One suite per test JVM, stopped (SIGTERM,
 * as Ctrl-C) when the JVM ends. What the launcher prints goes to {@code target/launcher.log}.
 */
public final class LocalSuite implements BeforeAllCallback {

    static final Path DATA_DIR = Path.of("target", "e2e-data").toAbsolutePath();
    private static final Path LAUNCHER_LOG = Path.of("target", "launcher.log").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_GRACE = Duration.ofSeconds(90);
    /** Two, as in production: the gateway balances them and every message must reach sockets on both. */
    static final int CHAT_REPLICAS = 2;
    /** A web client served elsewhere (a Vite dev server proxying /api and /ws to the gateway), allowed by an export. */
    static final String DEV_SERVER_ORIGIN = "http://localhost:5173";

    private static LocalProcess launcher;
    /** Where the current run's output begins in the launcher's log (runs append to it). */
    private static long logStart;
    private static int gatewayPort;
    private static int userPort;
    private static int chatPort;
    private static int postgresPort;
    private static int redisPort;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    static synchronized void start() {
        if (launcher != null && launcher.isAlive()) {
            return;
        }
        if (gatewayPort == 0) {
            gatewayPort = Ports.free();
            userPort = Ports.free();
            chatPort = Ports.free();
            postgresPort = Ports.free();
            redisPort = Ports.free();
            Runtime.getRuntime().addShutdownHook(new Thread(LocalSuite::stop, "local-suite-stop"));
        }
        Path jar = Path.of("..", "launcher", "target", "launcher.jar").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(PackagedService.command(jar, List.of(), Map.of()));
        command.addAll(List.of(
                "--data-dir", DATA_DIR.toString(),
                "--gateway-port", String.valueOf(gatewayPort),
                "--user-port", String.valueOf(userPort),
                "--chat-port", String.valueOf(chatPort),
                "--chat-replicas", String.valueOf(CHAT_REPLICAS),
                "--postgres-port", String.valueOf(postgresPort),
                "--redis-port", String.valueOf(redisPort)));
        Map<String, String> environment = new HashMap<>(System.getenv());
        // Service settings pass through the environment, as the README says: the scenario's many
        // registrations from one IP would otherwise meet the anonymous limit of 20 per minute.
        environment.put("CHATSUITE_THROTTLE_ANONYMOUS_PER_MINUTE", "600");
        environment.put("CHATSUITE_THROTTLE_USER_PER_MINUTE", "1200");
        environment.put("CHATSUITE_THROTTLE_HISTORY_PER_MINUTE", "600");
        // Short presence leases, so that a test can watch the users of a killed replica go offline.
        environment.put("CHATSUITE_WEBSOCKET_PRESENCE_LEASE", "3S");
        // Settings the launcher has defaults for (the gateway's own origins): the exports must win.
        // The gateway's CORS filter refuses a foreign Origin too, unless a proxy keeps the page's Host.
        String origins = DEV_SERVER_ORIGIN + ",http://127.0.0.1:" + gatewayPort + ",http://localhost:" + gatewayPort;
        environment.put("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", origins);
        environment.put("QUARKUS_HTTP_CORS_ORIGINS", origins);
        logStart = logSize();
        launcher = LocalProcess.start("the launcher", command, environment, LAUNCHER_LOG, null);
        try {
            launcher.awaitReady(START_TIMEOUT, () -> output().stream().anyMatch(line -> line.contains("chat-suite is up")));
        } catch (IllegalStateException e) {
            stop();
            throw new IllegalStateException("the suite did not start (" + e.getMessage() + "); see also "
                    + DATA_DIR.resolve("logs"), e);
        }
    }

    /** Stops the suite as Ctrl-C does and returns the launcher's exit code. */
    static synchronized int stop() {
        if (launcher == null) {
            return 0;
        }
        try {
            // Nothing may outlive the tests: after the grace period the launcher's services and stores go too.
            if (!launcher.stop(STOP_GRACE)) {
                throw new IllegalStateException("the launcher did not stop within " + STOP_GRACE.toSeconds() + " s");
            }
            return launcher.exitValue();
        } finally {
            launcher = null;
        }
    }

    static String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    static String gatewayWsUrl() {
        return "ws://127.0.0.1:" + gatewayPort;
    }

    /** A chat-service replica's own WebSocket address (1 or 2), bypassing the gateway. */
    static String chatReplicaWsUrl(int replica) {
        return "ws://127.0.0.1:" + (chatPort + replica - 1);
    }

    static Path log(String service) {
        return DATA_DIR.resolve("logs").resolve(service + ".log");
    }

    static Path pidFile(String service) {
        return DATA_DIR.resolve("run").resolve(service + ".pid");
    }

    /** The lines the launcher has printed since it was last started. */
    static List<String> output() {
        try {
            byte[] log = Files.readAllBytes(LAUNCHER_LOG);
            int from = (int) Math.min(logStart, log.length);
            return new String(log, from, log.length - from, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long logSize() {
        try {
            return Files.exists(LAUNCHER_LOG) ? Files.size(LAUNCHER_LOG) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
