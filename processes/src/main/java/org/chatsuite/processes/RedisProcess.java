package org.chatsuite.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * Redis from the binary that the embedded-redis library ships, started here rather than by the
 * library: its own shutdown hook would stop Redis while the services are still draining into it,
 * and a test needs to kill it like a crash.
 */
public final class RedisProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private RedisProcess() {
    }

    /**
     * When Redis forces its append-only file to disk ({@code appendfsync}), which decides what an
     * acknowledged message survives. Redis appends a write to its AOF buffer and, just before it sends
     * the replies of an event-loop turn, hands that buffer to the kernel ({@code flushAppendOnlyFile} in
     * {@code beforeSleep}). The guarantees, and the code behind them, are set out in README.md,
     * "Delivery guarantees".
     */
    public enum AppendFsync {
        /** write() and fdatasync() before the replies of the same turn: an acknowledged write survives a machine crash. */
        ALWAYS,
        /**
         * fdatasync() in a background thread once a second: a machine crash loses up to about two seconds,
         * and while that fsync is slow Redis holds its writes back for up to 2 s but still replies, so a
         * process crash can lose acknowledged writes too.
         */
        EVERYSEC;

        /** The environment variable that chooses the local suite's policy (./run.sh). */
        public static final String VARIABLE = "CHATSUITE_REDIS_APPENDFSYNC";
        /** The local suite's default, the same as docker-compose.yml's and the Kubernetes dev overlay's (deployment tests check it). */
        public static final AppendFsync LOCAL_DEFAULT = ALWAYS;

        /** The policy named by {@code value} ({@code always} or {@code everysec}); {@code source} names it in the error. */
        public static AppendFsync parse(String value, String source) {
            for (AppendFsync policy : values()) {
                if (policy.redisName().equals(value)) {
                    return policy;
                }
            }
            throw new IllegalArgumentException(source + " must be always or everysec, not '" + value + "'");
        }

        /** The policy the environment's {@link #VARIABLE} names, else {@link #LOCAL_DEFAULT}. */
        public static AppendFsync fromEnvironment(Map<String, String> environment) {
            String value = environment.get(VARIABLE);
            return value == null ? LOCAL_DEFAULT : parse(value, VARIABLE);
        }

        /** As Redis spells it. */
        public String redisName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The configuration line for {@link RedisProcess#start}. */
        public String setting() {
            return "appendfsync " + redisName();
        }
    }

    /**
     * The configuration lines of a Redis that keeps its data in an append-only file in {@code dir},
     * forced to disk as {@code fsync} says, and takes no snapshots.
     */
    public static List<String> appendOnly(Path dir, AppendFsync fsync) {
        return List.of("dir " + dir, "appendonly yes", fsync.setting(), "save \"\"");
    }

    /**
     * Starts Redis on 127.0.0.1:{@code port} with the given configuration lines (e.g.
     * {@code appendonly yes}) and returns once it answers PING (it loads its append-only file first).
     * With {@code ownSession} it runs in a session of its own where {@code setsid} exists, so that
     * Ctrl-C in the terminal reaches it only through whoever started it.
     */
    public static LocalProcess start(int port, List<String> settings, Path log, boolean ownSession) {
        List<String> command = new ArrayList<>();
        if (ownSession && Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        RedisServerBuilder builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1");
        settings.forEach(builder::setting);
        try {
            command.addAll(builder.buildCommandArgs());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not unpack the Redis binary", e);
        }
        LocalProcess redis = LocalProcess.start("Redis", command, System.getenv(), log, null);
        try {
            redis.awaitReady(START_TIMEOUT, () -> answersPing(port));
        } catch (RuntimeException e) {
            redis.kill();
            throw e;
        }
        return redis;
    }

    private static boolean answersPing(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return "+PONG".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false; // not listening yet, or still loading (-LOADING)
        }
    }
}
