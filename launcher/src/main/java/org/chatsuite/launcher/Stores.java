package org.chatsuite.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.chatsuite.processes.Database;
import org.chatsuite.processes.Databases;
import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.Ports;
import org.chatsuite.processes.RedisProcess;
import org.chatsuite.processes.RedisProcess.AppendFsync;
import org.chatsuite.processes.SuiteSettings;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL and Redis for the local suite: embedded processes whose data lives in the data folder
 * (PostgreSQL's data directory; Redis with an append-only file, forced to disk as {@link Options#appendFsync()}
 * says), or servers given on the command line.
 */
final class Stores implements AutoCloseable {

    /** Each service owns its database: no service reads another's tables. */
    private static final Duration REDIS_STOP = Duration.ofSeconds(20);

    private final Options options;
    private final Path dataDir;
    private final Path logs;
    private String postgresBaseUrl;
    private String postgresUser;
    private String postgresPassword;
    private String redisUrl;
    private EmbeddedPostgres postgres;
    private LocalProcess redis;

    Stores(Options options, Path dataDir, Path logs) {
        this.options = options;
        this.dataDir = dataDir;
        this.logs = logs;
    }

    /** Starts (or connects to) both stores. What did start is stopped by {@link #close()}, also after a failure. */
    void start() throws IOException {
        startPostgres();
        createDatabaseIfMissing(SuiteSettings.USERS_DATABASE);
        createDatabaseIfMissing(SuiteSettings.CHAT_DATABASE);
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

    private void startRedis() throws IOException {
        if (options.redisUrl().isPresent()) {
            redisUrl = options.redisUrl().get();
            Console.info("Redis: using %s", redisUrl);
            if (System.getenv(AppendFsync.VARIABLE) != null) {
                Console.warn("%s is ignored with --redis-url: that server's own appendfsync applies", AppendFsync.VARIABLE);
            }
            return;
        }
        Ports.requireFree(options.redisPort(), "embedded Redis", "--redis-port");
        Path dir = Files.createDirectories(dataDir.resolve("redis"));
        Console.info("Redis: starting on 127.0.0.1:%d (append-only file in %s, appendfsync %s)", options.redisPort(), dir,
                options.appendFsync().redisName());
        // In a session of its own: Ctrl-C in the terminal reaches it only through the launcher, after the services.
        List<String> settings = new ArrayList<>(RedisProcess.appendOnly(dir, options.appendFsync()));
        settings.add("pidfile " + dir.resolve("redis.pid"));
        redis = RedisProcess.start(options.redisPort(), settings, logs.resolve("redis.log"), true);
        redisUrl = "redis://127.0.0.1:" + options.redisPort();
    }

    /** Where the services find the stores; known once {@link #start()} has returned. */
    Endpoints endpoints() {
        return new Endpoints(postgresBaseUrl, postgresUser, postgresPassword, redisUrl);
    }

    record Endpoints(String postgresBaseUrl, String postgresUser, String postgresPassword, String redisUrl) {

        Database database(String name) {
            return new Database(postgresBaseUrl + "/" + name, postgresUser, postgresPassword);
        }
    }

    private void createDatabaseIfMissing(String database) {
        try (Connection admin = DriverManager.getConnection(endpoints().database("postgres").jdbcUrl(), postgresUser,
                postgresPassword)) {
            Databases.createIfMissing(admin, database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " at " + postgresBaseUrl
                    + ": " + e.getMessage(), e);
        }
    }

    /** Redis first (SIGTERM: it flushes its append-only file), then PostgreSQL (fast shutdown: a checkpoint). */
    @Override
    public synchronized void close() {
        if (redis != null) {
            if (!redis.stop(REDIS_STOP)) {
                Console.warn("Redis did not stop within %d s; killed it", REDIS_STOP.toSeconds());
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
