package org.chatsuite.load.ceiling;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.chatsuite.processes.LocalProcess;
import org.chatsuite.processes.Ports;

import io.vertx.core.Vertx;

/**
 * A running {@link BroadcastServer} for ChatLoad's {@code ceiling} target: by default its own JVM with
 * the heap the suite's services get ({@code -Dchatsuite.service.xmx}, 256m), as the services are
 * separate JVMs too; {@code inProcess} runs it inside the load generator instead (to see what the
 * separate process costs).
 */
public final class Ceiling implements AutoCloseable {

    private final int port;
    private final LocalProcess process;
    private final Vertx inProcess;

    private Ceiling(int port, LocalProcess process, Vertx inProcess) {
        this.port = port;
        this.process = process;
        this.inProcess = inProcess;
    }

    public static Ceiling start(boolean inProcess) throws Exception {
        int port = Ports.free();
        if (inProcess) {
            Vertx vertx = BroadcastServer.start(port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new Ceiling(port, null, vertx);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx" + System.getProperty("chatsuite.service.xmx", "256m"), "-cp", classPath(),
                BroadcastServer.class.getName(), String.valueOf(port));
        Path log = Path.of("target", "ceiling-" + port + ".log").toAbsolutePath();
        LocalProcess process = LocalProcess.start("broadcast server", command, Map.copyOf(System.getenv()), log, null);
        Ceiling ceiling = new Ceiling(port, process, null);
        try {
            process.awaitReady(Duration.ofSeconds(30), () -> listening(port));
        } catch (RuntimeException e) {
            ceiling.close();
            throw e;
        }
        return ceiling;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The child JVM's process id, for its resident memory; empty when the server runs in-process. */
    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
        } else {
            inProcess.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * This module's classpath: under {@code exec:java} the classes come from a class loader of
     * their own (the JVM's class path is Maven's), under {@code java -cp} from the class path.
     */
    private static String classPath() {
        if (Ceiling.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            return Arrays.stream(loader.getURLs()).map(Ceiling::file).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static String file(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException("class path entry " + url, e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
