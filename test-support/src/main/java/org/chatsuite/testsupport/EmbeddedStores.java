package org.chatsuite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * Real PostgreSQL and Redis processes for tests, started from Maven-provided binaries on free
 * loopback ports. One pair per JVM: every test class of a module shares them, which keeps a
 * module's test run to one database and one Redis process.
 *
 * <p>When {@code CHATSUITE_TEST_PG_URL} (a JDBC URL, with optional {@code CHATSUITE_TEST_PG_USER}
 * and {@code CHATSUITE_TEST_PG_PASSWORD}) or {@code CHATSUITE_TEST_REDIS_URL} (e.g.
 * {@code redis://127.0.0.1:6379}) are set, those servers are used instead.
 */
public final class EmbeddedStores {

    private static EmbeddedPostgres postgres;
    private static RedisServer redis;
    private static int redisPort;

    private EmbeddedStores() {
    }

    /** JDBC URL, user and password of a PostgreSQL database named {@code database}, created if missing. */
    public static synchronized Database postgres(String database) {
        String external = System.getenv("CHATSUITE_TEST_PG_URL");
        if (external != null && !external.isBlank()) {
            return new Database(external, env("CHATSUITE_TEST_PG_USER", "postgres"), env("CHATSUITE_TEST_PG_PASSWORD", ""));
        }
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setPort(freePort()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
        }
        createDatabaseIfMissing(database);
        return new Database(postgres.getJdbcUrl("postgres", database), "postgres", "postgres");
    }

    /** The Redis URL ({@code redis://host:port}) to hand to the application. */
    public static synchronized String redisUrl() {
        String external = System.getenv("CHATSUITE_TEST_REDIS_URL");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (redis == null) {
            redisPort = freePort();
            startRedis();
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedStores::stopRedis, "embedded-redis-stop"));
        }
        return "redis://127.0.0.1:" + redisPort;
    }

    /** Stops the embedded Redis (to test behaviour while it is down); {@link #restartRedis()} brings it back on the same port. */
    public static synchronized void stopRedis() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Kills the embedded Redis with SIGKILL, like a crash: no orderly shutdown, clients just see their
     * connections drop. {@link #restartRedis()} brings it back on the same port (empty).
     */
    public static synchronized void killRedis() {
        if (redis == null) {
            throw new IllegalStateException("no embedded Redis to kill (CHATSUITE_TEST_REDIS_URL is set, or none was started)");
        }
        ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .forEach(p -> {
                    p.destroyForcibly();
                    p.onExit().join();
                });
    }

    public static synchronized void restartRedis() {
        stopRedis();
        startRedis();
    }

    private static void startRedis() {
        try {
            redis = RedisServer.newRedisServer()
                    .port(redisPort)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded Redis", e);
        }
    }

    private static void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unsafe database name: " + database);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    public record Database(String jdbcUrl, String username, String password) {
    }
}
