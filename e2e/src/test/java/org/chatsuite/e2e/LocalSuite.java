package org.chatsuite.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The suite as a user starts it: the launcher jar that {@code ./run.sh} runs, as its own process,
 * on free ports and a data folder under {@code target/}. One suite per test JVM, stopped (SIGTERM,
 * as Ctrl-C) when the JVM ends.
 */
public final class LocalSuite implements BeforeAllCallback {

    static final Path DATA_DIR = Path.of("target", "e2e-data").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** Two, as in production: the gateway balances them and every message must reach sockets on both. */
    static final int CHAT_REPLICAS = 2;
    /** A web client served elsewhere (a Vite dev server proxying /api and /ws to the gateway), allowed by an export. */
    static final String DEV_SERVER_ORIGIN = "http://localhost:5173";

    private static Process launcher;
    private static int gatewayPort;
    private static int userPort;
    private static int chatPort;
    private static int postgresPort;
    private static int redisPort;
    private static final List<String> output = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    static synchronized void start() {
        if (launcher != null && launcher.isAlive()) {
            return;
        }
        if (gatewayPort == 0) {
            gatewayPort = freePort();
            userPort = freePort();
            chatPort = freePort();
            postgresPort = freePort();
            redisPort = freePort();
            Runtime.getRuntime().addShutdownHook(new Thread(LocalSuite::stop, "local-suite-stop"));
        }
        Path jar = Path.of("..", "launcher", "target", "launcher.jar").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(),
                "--data-dir", DATA_DIR.toString(),
                "--gateway-port", String.valueOf(gatewayPort),
                "--user-port", String.valueOf(userPort),
                "--chat-port", String.valueOf(chatPort),
                "--chat-replicas", String.valueOf(CHAT_REPLICAS),
                "--postgres-port", String.valueOf(postgresPort),
                "--redis-port", String.valueOf(redisPort))
                .redirectErrorStream(true);
        // Service settings pass through the environment, as the README says: the scenario's many
        // registrations from one IP would otherwise meet the anonymous limit of 20 per minute.
        builder.environment().put("CHATSUITE_THROTTLE_ANONYMOUS_PER_MINUTE", "600");
        builder.environment().put("CHATSUITE_THROTTLE_USER_PER_MINUTE", "1200");
        builder.environment().put("CHATSUITE_THROTTLE_HISTORY_PER_MINUTE", "600");
        // Short presence leases, so that a test can watch the users of a killed replica go offline.
        builder.environment().put("CHATSUITE_WEBSOCKET_PRESENCE_LEASE", "3S");
        // Settings the launcher has defaults for (the gateway's own origins): the exports must win.
        // The gateway's CORS filter refuses a foreign Origin too, unless a proxy keeps the page's Host.
        String origins = DEV_SERVER_ORIGIN + ",http://127.0.0.1:" + gatewayPort + ",http://localhost:" + gatewayPort;
        builder.environment().put("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", origins);
        builder.environment().put("QUARKUS_HTTP_CORS_ORIGINS", origins);
        try {
            launcher = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + jar + " (build it with ./mvnw package)", e);
        }
        CompletableFuture<Void> up = new CompletableFuture<>();
        Process started = launcher;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null;) {
                    System.out.println("[launcher] " + line);
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("chat-suite is up")) {
                        up.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            up.completeExceptionally(new IllegalStateException("the launcher exited before the suite was up"));
        }, "launcher-output");
        reader.setDaemon(true);
        reader.start();
        try {
            up.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            stop();
            throw new IllegalStateException("the suite was not up within " + START_TIMEOUT + "; see " + DATA_DIR.resolve("logs"));
        } catch (Exception e) {
            throw new IllegalStateException("the suite did not start; see " + DATA_DIR.resolve("logs"), e);
        }
    }

    /** Stops the suite as Ctrl-C does and returns the launcher's exit code. */
    static synchronized int stop() {
        if (launcher == null) {
            return 0;
        }
        launcher.destroy();
        try {
            if (!launcher.waitFor(90, TimeUnit.SECONDS)) {
                // Nothing may outlive the tests: the launcher's services and stores go too.
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
                throw new IllegalStateException("the launcher did not stop within 90 s");
            }
            return launcher.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
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

    static List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
