package org.chatsuite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.chatsuite.processes.Database;
import org.chatsuite.processes.Databases;
import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.Ports;
import org.chatsuite.processes.RedisProcess;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

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
    /** Null while stopped or killed by a test; its port stays the same for the whole JVM. */
    private static LocalProcess redis;
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
                postgres = EmbeddedPostgres.builder().setPort(Ports.free()).start();
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
        if (redisPort == 0) {
            redisPort = Ports.free();
            startRedis();
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedStores::stopRedis, "embedded-redis-stop"));
        }
        return "redis://127.0.0.1:" + redisPort;
    }

    /** Stops the embedded Redis (to test behaviour while it is down); {@link #restartRedis()} brings it back on the same port. */
    public static synchronized void stopRedis() {
        if (redis != null) {
            redis.stop(Duration.ofSeconds(10));
            redis = null;
        }
    }

    /**
     * Kills the embedded Redis with SIGKILL, like a crash: no orderly shutdown, clients just see their
     * connections drop. {@link #restartRedis()} brings it back on the same port (empty).
     */
    public static synchronized void killRedis() {
        if (redisPort == 0) {
            throw new IllegalStateException("no embedded Redis to kill (CHATSUITE_TEST_REDIS_URL is set, or none was started)");
        }
        if (redis != null) {
            redis.kill();
            redis = null;
        }
    }

    public static synchronized void restartRedis() {
        stopRedis();
        startRedis();
    }

    /** Nothing kept: every start is empty, as a test expects. */
    private static void startRedis() {
        redis = RedisProcess.start(redisPort, List.of("save \"\"", "appendonly no"),
                Path.of("target", "embedded-redis-" + redisPort + ".log"), false);
    }

    private static void createDatabaseIfMissing(String database) {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            Databases.createIfMissing(c, database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
