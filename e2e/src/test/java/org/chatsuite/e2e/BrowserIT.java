package org.chatsuite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web client in a real headless Chromium (Debian's package, driven by playwright-core from
 * npm): two users chat in real time and one survives a chat-service restart. The scenario itself is
 * {@code browser/chat.test.mjs}; screenshots go to {@code target/screenshots}.
 *
 * <p>Needs Node.js and a Chromium; {@code .ci/run} installs Chromium when it is missing. Without
 * one the test is reported as skipped, with the reason.
 */
@ExtendWith(LocalSuite.class)
class BrowserIT {

    private static final Path SCRIPTS = Path.of("browser").toAbsolutePath();

    @Test
    void twoBrowsersChatAndSurviveAChatServiceRestart() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
        Assumptions.assumeTrue(Files.isExecutable(chromium),
                chromium + " is missing: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH");
        Assumptions.assumeTrue(run(List.of("node", "--version"), Map.of(), 30, Path.of("target", "node-version.log")) == 0,
                "Node.js is missing");
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("playwright-core"))) {
            int installed = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300,
                    Path.of("target", "npm-ci.log"));
            assertThat(installed).as("npm ci in %s (see target/npm-ci.log)", SCRIPTS).isZero();
        }
        Path screenshots = Files.createDirectories(Path.of("target", "screenshots").toAbsolutePath());
        Path log = Path.of("target", "browser-test.log").toAbsolutePath();
        int exit = run(List.of("node", "chat.test.mjs"), Map.of(
                "CHATSUITE_URL", LocalSuite.gatewayUrl(),
                "CHATSUITE_SCREENSHOT_DIR", screenshots.toString(),
                // Both replicas are killed: every socket of both browsers must come back.
                "CHATSUITE_CHAT_PID_FILE", LocalSuite.pidFile("chat-service-1") + "," + LocalSuite.pidFile("chat-service-2"),
                "CHROMIUM_PATH", chromium.toString()), 360, log);
        System.out.println(Files.readString(log));
        assertThat(exit).as("browser scenario (output in %s)", log).isZero();
    }

    private static int run(List<String> command, Map<String, String> env, long timeoutSeconds, Path log)
            throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(SCRIPTS.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return -1; // the program is not installed
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s; see " + log);
        }
        return process.exitValue();
    }
}
