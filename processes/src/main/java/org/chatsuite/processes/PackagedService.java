package org.chatsuite.processes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service as the build packages it: a Quarkus fast-jar, or a native executable. */
public final class PackagedService {

    private PackagedService() {
    }

    /** {@code <checkout>/<module>/target/quarkus-app/quarkus-run.jar}, when it has been built. */
    public static Optional<Path> jar(Path checkout, String module) {
        Path jar = checkout.resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        return Files.isRegularFile(jar) ? Optional.of(jar.toAbsolutePath().normalize()) : Optional.empty();
    }

    /**
     * The command that runs {@code artifact}: {@code java <jvmOptions> -D... -jar artifact} for a
     * jar, {@code artifact -D...} for a native executable (which takes the same -D options and has
     * no JVM to tune).
     */
    public static List<String> command(Path artifact, List<String> jvmOptions, Map<String, String> systemProperties) {
        List<String> command = new ArrayList<>();
        boolean isJar = artifact.toString().endsWith(".jar");
        if (isJar) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
        } else {
            command.add(artifact.toString());
        }
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (isJar) {
            command.add("-jar");
            command.add(artifact.toString());
        }
        return command;
    }
}
