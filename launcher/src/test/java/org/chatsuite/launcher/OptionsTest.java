package org.chatsuite.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.chatsuite.processes.RedisProcess.AppendFsync;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsStayClearOfSystemPostgresAndRedis() {
        Options options = Options.parse(Map.of());
        assertEquals(8080, options.gatewayPort());
        assertEquals(8081, options.userPort());
        assertEquals(8082, options.chatPort());
        assertEquals(5433, options.postgresPort());
        assertEquals(6380, options.redisPort());
        assertEquals(1, options.chatReplicas());
        assertEquals(Path.of(".data").toAbsolutePath(), options.dataDir());
        assertTrue(options.postgresUrl().isEmpty());
        assertEquals(AppendFsync.ALWAYS, options.appendFsync());
    }

    @Test
    void theEmbeddedRedisFsyncPolicyComesFromTheEnvironment() {
        assertEquals(AppendFsync.EVERYSEC, Options.parse(Map.of("CHATSUITE_REDIS_APPENDFSYNC", "everysec")).appendFsync());
        assertEquals(AppendFsync.ALWAYS, Options.parse(Map.of("CHATSUITE_REDIS_APPENDFSYNC", "always")).appendFsync());
        assertEquals("appendfsync everysec", AppendFsync.EVERYSEC.setting());
        // "no" is Redis' third policy: the kernel writes when it likes, with no bound on what a machine crash loses.
        for (String bad : new String[] {"no", "Always", ""}) {
            assertEquals("CHATSUITE_REDIS_APPENDFSYNC must be always or everysec, not '" + bad + "'",
                    assertThrows(IllegalArgumentException.class,
                            () -> Options.parse(Map.of("CHATSUITE_REDIS_APPENDFSYNC", bad))).getMessage());
        }
    }

    @Test
    void everyOptionIsRead() {
        Options options = Options.parse("--data-dir", "/tmp/x", "--gateway-port", "18080", "--chat-replicas", "2",
                "--postgres-url", "jdbc:postgresql://127.0.0.1:5432/", "--redis-url", "redis://127.0.0.1:6379");
        assertEquals(Path.of("/tmp/x"), options.dataDir());
        assertEquals(18080, options.gatewayPort());
        assertEquals(2, options.chatReplicas());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/", options.postgresUrl().orElseThrow());
        assertEquals("redis://127.0.0.1:6379", options.redisUrl().orElseThrow());
    }

    @Test
    void badInputIsExplained() {
        assertEquals("--gateway-port must be a port number (1-65535), not 80x",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--gateway-port", "80x")).getMessage());
        assertEquals("--gateway-port must be a port number (1-65535), not 70000",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--gateway-port", "70000")).getMessage());
        assertEquals("--chat-replicas must be 1 or 2, not 3",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--chat-replicas", "3")).getMessage());
        assertEquals("unknown option --colour",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--colour", "red")).getMessage());
        assertEquals("--data-dir needs a value",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--data-dir")).getMessage());
        assertEquals("--postgres-url must look like jdbc:postgresql://host:port",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--postgres-url", "localhost")).getMessage());
    }
}
