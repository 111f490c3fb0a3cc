package org.chatsuite.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the packaged services are: {@code <module>/target/quarkus-app/quarkus-run.jar} of this checkout. */
final class Modules {

    private Modules() {
    }

    static Path jar(String module) {
        Path jar = root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build with ./mvnw -B package -DskipTests (./run.sh does)");
        }
        return jar;
    }

    /** The checkout: two levels above this launcher's jar ({@code launcher/target/launcher.jar}). */
    static Path root() {
        try {
            Path self = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.getParent().getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
