package org.chatsuite.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis for the local suite: embedded processes whose data lives in the data folder
 * (PostgreSQL's data directory; Redis with an append-only file), or servers given on the command line.
 */
final class Stores implements AutoCloseable {

    /** Each service owns its database: no service reads another's tables. */
    static final String USERS_DB = "users";
    static final String CHAT_DB = "chat";
    private static final Duration REDIS_START = Duration.ofSeconds(20);

    private final Options options;
    private final Path dataDir;
    private final Path logs;
    private String postgresBaseUrl;
    private String postgresUser;
    private String postgresPassword;
    private String redisUrl;
    private EmbeddedPostgres postgres;
    private Process redis;

    Stores(Options options, Path dataDir, Path logs) {
        this.options = options;
        this.dataDir = dataDir;
        this.logs = logs;
    }

    /** Starts (or connects to) both stores. What did start is stopped by {@link #close()}, also after a failure. */
    void start() throws IOException {
        startPostgres();
        createDatabaseIfMissing(USERS_DB);
        createDatabaseIfMissing(CHAT_DB);
        startRedis();
    }

    /**
     * Stores left running by a launcher that was killed (their pid files are in the data folder)
     * would keep the ports and PostgreSQL's data directory: they are stopped first.
     */
    static void stopLeftovers(Path dataDir) {
        Processes.stopFromPidFile(dataDir.resolve("postgres").resolve("postmaster.pid"), "postgres", "PostgreSQL");
        Processes.stopFromPidFile(dataDir.resolve("redis").resolve("redis.pid"), "redis-server", "Redis");
    }

    private void startPostgres() throws IOException {
        if (options.postgresUrl().isPresent()) {
            postgresBaseUrl = options.postgresUrl().get().replaceAll("/+$", "");
            postgresUser = options.postgresUser();
            postgresPassword = options.postgresPassword();
            Console.info("PostgreSQL: using %s", postgresBaseUrl);
            return;
        }
        Ports.requireFree(options.postgresPort(), "embedded PostgreSQL", "--postgres-port");
        Path data = dataDir.resolve("postgres");
        boolean first = !Files.exists(data.resolve("PG_VERSION"));
        Console.info("PostgreSQL: %s on 127.0.0.1:%d (data in %s)", first ? "initialising" : "starting",
                options.postgresPort(), data);
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile());
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(options.postgresPort())
                .setServerConfig("listen_addresses", "127.0.0.1")
                // The library's defaults are for throw-away test databases; this data is meant to survive a power cut.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start();
        postgresBaseUrl = "jdbc:postgresql://127.0.0.1:" + options.postgresPort();
        postgresUser = "postgres";
        postgresPassword = "";
    }

    /**
     * The library's Redis binary, but started here rather than by the library: its own shutdown hook
     * would stop Redis while the services are still draining into it. Started in a session of its own
     * where {@code setsid} exists, so that Ctrl-C in the terminal reaches it only through the launcher,
     * after the services.
     */
    private void startRedis() throws IOException {
        if (options.redisUrl().isPresent()) {
            redisUrl = options.redisUrl().get();
            Console.info("Redis: using %s", redisUrl);
            return;
        }
        Ports.requireFree(options.redisPort(), "embedded Redis", "--redis-port");
        Path dir = Files.createDirectories(dataDir.resolve("redis"));
        Console.info("Redis: starting on 127.0.0.1:%d (append-only file in %s)", options.redisPort(), dir);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(RedisServer.newRedisServer()
                .port(options.redisPort())
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("pidfile " + dir.resolve("redis.pid"))
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save \"\"")
                .buildCommandArgs());
        redis = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("redis.log").toFile()))
                .start();
        awaitRedis(options.redisPort());
        redisUrl = "redis://127.0.0.1:" + options.redisPort();
    }

    /** Ready once it answers PING (it loads the append-only file first). */
    private void awaitRedis(int port) {
        Instant deadline = Instant.now().plus(REDIS_START);
        while (Instant.now().isBefore(deadline)) {
            if (!redis.isAlive()) {
                throw new IllegalStateException("Redis exited with " + redis.exitValue() + "; see " + logs.resolve("redis.log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = in.readNBytes(5);
                if ("+PONG".equals(new String(reply, StandardCharsets.US_ASCII))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet, or still loading (-LOADING)
            }
            Processes.sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("Redis did not answer within " + REDIS_START.toSeconds() + " s; see "
                + logs.resolve("redis.log"));
    }

    /** Where the services find the stores; known once {@link #start()} has returned. */
    Endpoints endpoints() {
        return new Endpoints(postgresBaseUrl, postgresUser, postgresPassword, redisUrl);
    }

    record Endpoints(String postgresBaseUrl, String postgresUser, String postgresPassword, String redisUrl) {

        String jdbcUrl(String database) {
            return postgresBaseUrl + "/" + database;
        }
    }

    private void createDatabaseIfMissing(String database) {
        try (Connection c = DriverManager.getConnection(endpoints().jdbcUrl("postgres"), postgresUser, postgresPassword)) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                if (exists.executeQuery().next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + database); // a constant of this class, never input
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " at " + postgresBaseUrl
                    + ": " + e.getMessage(), e);
        }
    }

    /** Redis first (SIGTERM: it flushes its append-only file), then PostgreSQL (fast shutdown: a checkpoint). */
    @Override
    public synchronized void close() {
        if (redis != null) {
            redis.destroy();
            try {
                if (!redis.waitFor(20, TimeUnit.SECONDS)) {
                    Console.warn("Redis did not stop within 20 s; killing it");
                    redis.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                Console.warn("PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
            postgres = null;
        }
    }
}
