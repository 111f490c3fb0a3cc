package org.chatsuite.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.chatsuite.processes.RedisProcess.AppendFsync;

/**
 * The launcher's command line, and the one store setting read from the environment (the embedded Redis'
 * {@code appendfsync}). Service settings are not options: they pass through as environment variables.
 */
record Options(Path dataDir, int gatewayPort, int userPort, int chatPort, int chatReplicas, int postgresPort,
        int redisPort, Optional<String> postgresUrl, String postgresUser, String postgresPassword,
        Optional<String> redisUrl, AppendFsync appendFsync, boolean help) {

    static final String USAGE = """
            Usage: ./run.sh [options]
            Starts PostgreSQL and Redis (from Maven-provided binaries), user-service, chat-service and the
            gateway, and stops them all on Ctrl-C. Any service setting can be passed as an environment
            variable, e.g. CHATSUITE_THROTTLE_USER_PER_MINUTE=0 ./run.sh, and wins over the launcher's
            local defaults (e.g. CHATSUITE_WEBSOCKET_ALLOWED_ORIGINS and QUARKUS_HTTP_CORS_ORIGINS for a
            web client served elsewhere); only the ports, stores, upstream URLs and signing key follow
            the options below. Health and metrics of each service are on a free port of its own (its
            management interface, on 127.0.0.1), printed once the service is ready.

              --data-dir DIR           data, signing key, logs and pid files (default: .data)
              --gateway-port N         the entry point (default: 8080)
              --user-port N            user-service (default: 8081)
              --chat-port N            chat-service; a second replica takes N+1 (default: 8082)
              --chat-replicas N        chat-service replicas behind the gateway, 1 or 2 (default: 1)
              --postgres-port N        embedded PostgreSQL (default: 5433, beside a system one on 5432)
              --redis-port N           embedded Redis (default: 6380, beside a system one on 6379)
              --postgres-url URL       use this PostgreSQL instead, e.g. jdbc:postgresql://127.0.0.1:5432
                                       (databases users and chat are created when missing)
              --postgres-user USER     its user (default: postgres)
              --postgres-password PW   its password (default: empty)
              --redis-url URL          use this Redis instead, e.g. redis://127.0.0.1:6379
              --build                  (./run.sh) rebuild the services before starting
              --help                   this text

            CHATSUITE_REDIS_APPENDFSYNC=always|everysec  when the embedded Redis forces its append-only file
                                       to disk (default: always, before it acknowledges a message; see
                                       README.md, Delivery guarantees)
            """;

    static Options parse(String... args) {
        return parse(System.getenv(), args);
    }

    static Options parse(Map<String, String> environment, String... args) {
        Path dataDir = Path.of(".data");
        int gateway = 8080;
        int user = 8081;
        int chat = 8082;
        int replicas = 1;
        int postgres = 5433;
        int redis = 6380;
        String postgresUrl = null;
        String postgresUser = "postgres";
        String postgresPassword = "";
        String redisUrl = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unknown argument " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--data-dir" -> dataDir = Path.of(value);
                case "--gateway-port" -> gateway = port(name, value);
                case "--user-port" -> user = port(name, value);
                case "--chat-port" -> chat = port(name, value);
                case "--chat-replicas" -> replicas = replicas(value);
                case "--postgres-port" -> postgres = port(name, value);
                case "--redis-port" -> redis = port(name, value);
                case "--postgres-url" -> postgresUrl = value;
                case "--postgres-user" -> postgresUser = value;
                case "--postgres-password" -> postgresPassword = value;
                case "--redis-url" -> redisUrl = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (postgresUrl != null && !postgresUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--postgres-url must look like jdbc:postgresql://host:port");
        }
        if (redisUrl != null && !redisUrl.matches("rediss?://.+")) {
            throw new IllegalArgumentException("--redis-url must look like redis://host:port");
        }
        return new Options(dataDir.toAbsolutePath().normalize(), gateway, user, chat, replicas, postgres, redis,
                Optional.ofNullable(postgresUrl), postgresUser, postgresPassword, Optional.ofNullable(redisUrl),
                AppendFsync.fromEnvironment(environment), help);
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a port number (1-65535), not " + value);
    }

    private static int replicas(String value) {
        if (!value.equals("1") && !value.equals("2")) {
            throw new IllegalArgumentException("--chat-replicas must be 1 or 2, not " + value);
        }
        return Integer.parseInt(value);
    }
}
