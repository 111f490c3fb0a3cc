package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code ./run.sh}: the whole suite on one machine with nothing but a JDK. PostgreSQL and Redis run
 * from Maven-provided binaries with their data in the data folder, the three services run as
 * separate processes from their packaged jars, and Ctrl-C stops everything in order.
 *
 * <p>Settings the launcher owns (ports, stores, upstream URLs, the signing key) are set per
 * service; everything else is inherited from the launcher's environment, so any documented
 * environment variable reaches the services.
 */
public final class Launcher {

    /** The embedded PostgreSQL library reports every step at INFO; the launcher says what matters itself. */
    private static final java.util.logging.Logger ZONKY = java.util.logging.Logger.getLogger("io.zonky");

    private final Options options;
    private final Path dataDir;
    private final Path logs;
    private final Path run;
    /** Read by the shutdown hook, which may run while start-up still adds to it. */
    private final List<ManagedService> services = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Ctrl-C signals every process of the terminal at once: no service that exits from now on is restarted. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    private FileChannel lockChannel;
    /** Set before the stores start, so that a Ctrl-C during their start-up still stops them. */
    private volatile Stores stores;

    private Launcher(Options options) {
        this.options = options;
        this.dataDir = options.dataDir();
        this.logs = dataDir.resolve("logs");
        this.run = dataDir.resolve("run");
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return;
        }
        ZONKY.setLevel(java.util.logging.Level.WARNING);
        Launcher launcher = new Launcher(options);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "launcher-stop"));
        try {
            launcher.start();
        } catch (Exception e) {
            Console.warn("could not start the suite: %s", e.getMessage());
            System.exit(1); // the shutdown hook stops what did start
        }
        launcher.awaitStop();
    }

    private void start() throws IOException {
        Files.createDirectories(logs);
        Files.createDirectories(run);
        lockDataDir();
        stopLeftovers();
        requirePortsFree();
        Path jwtKey = SigningKey.ensure(dataDir.resolve("keys"));
        stores = new Stores(options, dataDir, logs);
        stores.start();

        String userUrl = "http://127.0.0.1:" + options.userPort();
        List<Integer> chatPorts = IntStream.range(0, options.chatReplicas()).mapToObj(i -> options.chatPort() + i).toList();
        services.add(service("user-service", options.userPort(), userService(jwtKey)));
        for (int i = 0; i < chatPorts.size(); i++) {
            String name = chatPorts.size() == 1 ? "chat-service" : "chat-service-" + (i + 1);
            services.add(service(name, chatPorts.get(i), chatService(userUrl)));
        }
        String chatUrls = chatPorts.stream().map(p -> "http://127.0.0.1:" + p).collect(Collectors.joining(","));
        services.add(service("gateway", options.gatewayPort(), gateway(userUrl, chatUrls)));

        // All start at once: neither chat-service nor the gateway needs user-service before its first request.
        services.forEach(service -> Console.info("%s: starting (log %s)", service.name(), service.log()));
        services.forEach(ManagedService::start);
        for (ManagedService service : services) {
            service.awaitReady();
            Console.info("%s: ready", service.name());
        }
        Console.info("chat-suite is up: http://localhost:%d  (logs in %s; Ctrl-C stops everything)",
                options.gatewayPort(), logs);
    }

    private Map<String, String> userService(Path jwtKey) {
        Map<String, String> env = common();
        env.putAll(datasource(Stores.USERS_DB));
        env.put("CHATSUITE_JWT_PRIVATE_KEY_LOCATION", jwtKey.toString());
        return env;
    }

    private Map<String, String> chatService(String userUrl) {
        Map<String, String> env = common();
        env.putAll(datasource(Stores.CHAT_DB));
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", userUrl + "/.well-known/jwks.json");
        env.put("QUARKUS_REST_CLIENT_USERS_URL", userUrl);
        env.put("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins());
        return env;
    }

    private Map<String, String> gateway(String userUrl, String chatUrls) {
        Map<String, String> env = common();
        env.put("CHATSUITE_UPSTREAMS_USER_SERVICE", userUrl);
        env.put("CHATSUITE_UPSTREAMS_CHAT_SERVICE", chatUrls);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", userUrl + "/.well-known/jwks.json");
        env.put("CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS", browserOrigins());
        putIfUnset(env, "QUARKUS_HTTP_CORS_ORIGINS", browserOrigins());
        return env;
    }

    /** The web client is served by the gateway, so its origin is the gateway's, by either local name. */
    private String browserOrigins() {
        return "http://localhost:" + options.gatewayPort() + ",http://127.0.0.1:" + options.gatewayPort();
    }

    private Map<String, String> common() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_REDIS_HOSTS", stores.redisUrl());
        // Local defaults that an inherited environment variable may still override.
        putIfUnset(env, "QUARKUS_HTTP_HOST", "127.0.0.1");
        putIfUnset(env, "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        return env;
    }

    private Map<String, String> datasource(String database) {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", stores.jdbcUrl(database),
                "QUARKUS_DATASOURCE_USERNAME", stores.postgresUser(),
                "QUARKUS_DATASOURCE_PASSWORD", stores.postgresPassword());
    }

    private static void putIfUnset(Map<String, String> env, String name, String value) {
        if (System.getenv(name) == null) {
            env.put(name, value);
        }
    }

    private ManagedService service(String name, int port, Map<String, String> env) {
        Path jar = Modules.jar(name.startsWith("chat-service") ? "chat-service" : name);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return new ManagedService(name, command, env, port, logs, run, stopping);
    }

    /** One launcher per data folder: a second one would share PostgreSQL's data directory. */
    private void lockDataDir() throws IOException {
        lockChannel = FileChannel.open(dataDir.resolve("launcher.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            throw new IllegalStateException("another launcher is using " + dataDir + "; stop it first or use --data-dir");
        }
    }

    /** Services and stores left running by a launcher that was killed (their pid files) are stopped first. */
    private void stopLeftovers() throws IOException {
        try (Stream<Path> pidFiles = Files.list(run)) {
            for (Path pidFile : pidFiles.filter(p -> p.toString().endsWith(".pid")).toList()) {
                Processes.stopFromPidFile(pidFile, "quarkus-run.jar", pidFile.getFileName().toString());
            }
        }
        Stores.stopLeftovers(dataDir);
    }

    private void requirePortsFree() {
        List<Integer> ports = new ArrayList<>(List.of(options.gatewayPort(), options.userPort()));
        IntStream.range(0, options.chatReplicas()).forEach(i -> ports.add(options.chatPort() + i));
        if (options.postgresUrl().isEmpty()) {
            ports.add(options.postgresPort());
        }
        if (options.redisUrl().isEmpty()) {
            ports.add(options.redisPort());
        }
        if (ports.stream().distinct().count() < ports.size()) {
            throw new IllegalArgumentException("two processes of the suite would share a port: " + ports);
        }
        Ports.requireFree(options.gatewayPort(), "the gateway", "--gateway-port");
        Ports.requireFree(options.userPort(), "user-service", "--user-port");
        for (int i = 0; i < options.chatReplicas(); i++) {
            Ports.requireFree(options.chatPort() + i, "chat-service", "--chat-port");
        }
    }

    /** Gateway first (no new traffic), then the chat replicas (they close sockets with 1001), user-service, stores. */
    private void stop() {
        stopping.set(true);
        List<ManagedService> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        if (!reversed.isEmpty()) {
            Console.info("stopping...");
        }
        reversed.forEach(ManagedService::stop);
        if (stores != null) {
            stores.close();
        }
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // released with the process anyway
        }
        if (!reversed.isEmpty()) {
            Console.info("stopped");
        }
        stopped.countDown();
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
