package org.chatsuite.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis for the local suite: embedded processes whose data lives in the data folder
 * (PostgreSQL's data directory; Redis with an append-only file), or servers given on the command line.
 */
final class Stores implements AutoCloseable {

    /** Each service owns its database (ARCHITECTURE.md: no shared tables). */
    static final String USERS_DB = "users";
    static final String CHAT_DB = "chat";

    private String postgresBaseUrl;
    private String postgresUser;
    private String postgresPassword;
    private String redisUrl;
    private EmbeddedPostgres postgres;
    private RedisServer redis;

    private Stores() {
    }

    /** Starts (or connects to) both stores; on failure, whatever was started is stopped again. */
    static Stores start(Options options, Path dataDir, Path logs) throws IOException {
        Stores stores = new Stores();
        try {
            stores.startPostgres(options, dataDir, logs);
            stores.createDatabaseIfMissing(USERS_DB);
            stores.createDatabaseIfMissing(CHAT_DB);
            stores.startRedis(options, dataDir, logs);
            return stores;
        } catch (IOException | RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    private void startPostgres(Options options, Path dataDir, Path logs) throws IOException {
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

    private void startRedis(Options options, Path dataDir, Path logs) throws IOException {
        if (options.redisUrl().isPresent()) {
            redisUrl = options.redisUrl().get();
            Console.info("Redis: using %s", redisUrl);
            return;
        }
        Ports.requireFree(options.redisPort(), "embedded Redis", "--redis-port");
        Path dir = Files.createDirectories(dataDir.resolve("redis"));
        Console.info("Redis: starting on 127.0.0.1:%d (append-only file in %s)", options.redisPort(), dir);
        Path log = logs.resolve("redis.log");
        redis = RedisServer.newRedisServer()
                .port(options.redisPort())
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save \"\"")
                .soutListener(line -> append(log, line))
                .serrListener(line -> append(log, line))
                .build();
        redis.start();
        redisUrl = "redis://127.0.0.1:" + options.redisPort();
    }

    String jdbcUrl(String database) {
        return postgresBaseUrl + "/" + database;
    }

    String postgresUser() {
        return postgresUser;
    }

    String postgresPassword() {
        return postgresPassword;
    }

    String redisUrl() {
        return redisUrl;
    }

    private void createDatabaseIfMissing(String database) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), postgresUser, postgresPassword)) {
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

    /** Redis first (it may still be writing its append-only file), then PostgreSQL (fast shutdown: a checkpoint). */
    @Override
    public void close() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException e) {
                Console.warn("Redis did not stop cleanly: %s", e.getMessage());
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                Console.warn("PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
        }
    }

    private static void append(Path log, String line) {
        try {
            Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
