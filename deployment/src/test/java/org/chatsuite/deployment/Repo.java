package org.chatsuite.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The repository this module checks, and the external commands (kubectl, docker-compose) it runs. */
final class Repo {

    private Repo() {
    }

    /**
     * The repository root. Surefire runs with the module directory as working directory, so it is
     * {@code ..}; the POM also passes it explicitly as {@code chatsuite.repo.root}.
     */
    static Path root() {
        String configured = System.getProperty("chatsuite.repo.root");
        Path root = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker-compose.yml")) || !Files.isDirectory(root.resolve("k8s"))) {
            throw new IllegalStateException("not the chat-suite repository root: " + root);
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The executable's path when it is on PATH (how CI and developers would run it). */
    static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command in the repository root and waits for it (at most two minutes). */
    static Result run(String... command) {
        return runWithout(Set.of(), command);
    }

    /** {@link #run}, with these variables removed from the environment the command inherits. */
    static Result runWithout(Set<String> unsetVariables, String... command) {
        try {
            Path out = Files.createTempFile("chatsuite-cmd", ".out");
            Path err = Files.createTempFile("chatsuite-cmd", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(List.of(command));
                builder.environment().keySet().removeAll(unsetVariables);
                Process process = builder
                        .directory(root().toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }
}
