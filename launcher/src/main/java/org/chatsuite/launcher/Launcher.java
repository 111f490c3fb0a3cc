package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.chatsuite.processes.PackagedService;
import org.chatsuite.processes.Ports;
import org.chatsuite.processes.ServiceEnvironment;
import org.chatsuite.processes.ServicePorts;

/**
 * {@code ./run.sh}: the whole suite on one machine with nothing but a JDK. PostgreSQL and Redis run
 * from Maven-provided binaries with their data in the data folder, the three services run as
 * separate processes from their packaged jars, and Ctrl-C stops everything in order.
 *
 * <p>Settings the launcher owns (ports, stores, upstream URLs, the signing key) follow its options;
 * every other variable of the launcher's environment reaches the services and wins over the
 * launcher's local defaults ({@link ServiceEnvironment}).
 */
public final class Launcher {

    /** The embedded PostgreSQL library reports every step at INFO; the launcher says what matters itself. */
    private static final java.util.logging.Logger ZONKY = java.util.logging.Logger.getLogger("io.zonky");
    private static final String GATEWAY = "gateway";

    private final Options options;
    private final Path dataDir;
    private final Path logs;
    private final Path run;
    /** Read by the shutdown hook, which may run while start-up still adds to it. */
    private final List<ManagedService> services = new CopyOnWriteArrayList<>();
    /** Exported variables that the launcher's wiring replaces, each reported once. */
    private final Set<String> ignoredReported = new HashSet<>();
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

        SuiteEnvironments environments = new SuiteEnvironments(options, stores.endpoints(), jwtKey);
        // Health and metrics (the management interfaces) are on free ports: only the launcher polls them, and
        // the console names them.
        ServicePorts user = ServicePorts.onHttpPort(options.userPort());
        services.add(service("user-service", user, environments.userService(user.management())));
        List<Integer> chatPorts = environments.chatPorts();
        for (int i = 0; i < chatPorts.size(); i++) {
            String name = chatPorts.size() == 1 ? "chat-service" : "chat-service-" + (i + 1);
            ServicePorts chat = ServicePorts.onHttpPort(chatPorts.get(i));
            services.add(service(name, chat, environments.chatService(chat)));
        }
        ServicePorts gateway = ServicePorts.onHttpPort(options.gatewayPort());
        services.add(service(GATEWAY, gateway, environments.gateway(gateway.management())));

        // All start at once: neither chat-service nor the gateway needs user-service before its first request.
        services.forEach(service -> Console.info("%s: starting (log %s)", service.name(), service.log()));
        services.forEach(ManagedService::start);
        for (ManagedService service : services) {
            service.awaitReady();
            Console.info("%s: ready (health %s/q/health, metrics %s/q/metrics)", service.name(),
                    service.managementUrl(), service.managementUrl());
        }
        Console.info("chat-suite is up: http://localhost:%d  (logs in %s; Ctrl-C stops everything)",
                options.gatewayPort(), logs);
    }

    private ManagedService service(String name, ServicePorts ports, ServiceEnvironment environment) {
        Path jar = Modules.jar(name.startsWith("chat-service") ? "chat-service" : name);
        List<String> command = PackagedService.command(jar, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"), Map.of());
        Map<String, String> exported = System.getenv();
        for (String ignored : environment.ignoredFrom(exported)) {
            if (ignoredReported.add(ignored)) {
                Console.warn("%s from the environment is ignored: the launcher sets it (see ./run.sh --help)", ignored);
            }
        }
        return new ManagedService(name, command, environment.compose(exported), ports, logs, run, stopping);
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

    /**
     * Gateway first (no new traffic reaches the others), then the chat replicas and user-service
     * together (each drains on its own; the replicas close their sockets with 1001), then the
     * stores they drained into.
     */
    private void stop() {
        stopping.set(true);
        List<ManagedService> all = List.copyOf(services);
        if (!all.isEmpty()) {
            Console.info("stopping...");
        }
        stopTogether(all.stream().filter(s -> s.name().equals(GATEWAY)).toList());
        stopTogether(all.stream().filter(s -> !s.name().equals(GATEWAY)).toList());
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
        if (!all.isEmpty()) {
            Console.info("stopped");
        }
        stopped.countDown();
    }

    private static void stopTogether(List<ManagedService> group) {
        List<Thread> stoppers = group.stream().map(s -> new Thread(s::stop, "stop-" + s.name())).toList();
        stoppers.forEach(Thread::start);
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
