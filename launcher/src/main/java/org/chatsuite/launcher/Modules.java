package org.chatsuite.launcher;

import java.nio.file.Path;

import org.chatsuite.processes.PackagedService;

/** Where the packaged services are: {@code <module>/target/quarkus-app/quarkus-run.jar} of this checkout. */
final class Modules {

    private Modules() {
    }

    static Path jar(String module) {
        return PackagedService.jar(root(), module).orElseThrow(() -> new IllegalStateException(
                root().resolve(module) + "/target/quarkus-app/quarkus-run.jar is missing; build with ./mvnw -B package -DskipTests (./run.sh does)"));
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
