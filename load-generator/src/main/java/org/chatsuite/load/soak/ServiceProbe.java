package org.chatsuite.load.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.chatsuite.load.soak.SoakSummary.Memory;
import org.chatsuite.testsupport.ServiceProcess;

/**
 * One launched service as the soak watches it: its memory (heap in use after a full GC, from its
 * management metrics; resident memory from /proc), its open-socket gauge, and where its log is.
 */
final class ServiceProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    private final ServiceProcess process;
    /** The gauge of sockets this service holds ({@code gateway_websockets_open}, {@code chat_sockets_open}), or null. */
    private final String socketGauge;
    final Path log;
    /** Where this run's output starts in the log: service logs are appended to, run after run. */
    final long logOffset;

    ServiceProbe(String name, ServiceProcess process, String socketGauge, Path log, long logOffset) {
        this.name = name;
        this.process = process;
        this.socketGauge = socketGauge;
        this.log = log;
        this.logOffset = logOffset;
    }

    /** Memory and open sockets at this moment; the heap is read after a full GC, so that samples compare live data. */
    Reading read() throws IOException, InterruptedException {
        fullGc(process.pid());
        HttpRequest request = HttpRequest.newBuilder(URI.create(process.managementUrl() + "/q/metrics")).timeout(Duration.ofSeconds(30))
                .build();
        String metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        long rss = vmRssKiB(Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")));
        long sockets = socketGauge == null ? -1 : Math.round(sum(metrics, socketGauge));
        return new Reading(new Memory(Math.round(heapUsedBytes(metrics)), rss), sockets, breakdown(metrics));
    }

    record Reading(Memory memory, long sockets, Breakdown breakdown) {
    }

    /** What the JVM itself accounts for of the resident memory, to tell a growing RSS's cause: bytes committed and in direct buffers. */
    record Breakdown(long committedHeap, long committedNonHeap, long directBuffers) {
    }

    static Breakdown breakdown(String prometheusText) {
        return new Breakdown(Math.round(sum(prometheusText, "jvm_memory_committed_bytes", "area=\"heap\"")),
                Math.round(sum(prometheusText, "jvm_memory_committed_bytes", "area=\"nonheap\"")),
                Math.round(sum(prometheusText, "jvm_buffer_memory_used_bytes", "id=\"direct\"")));
    }

    private static void fullGc(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + pid + " GC.run did not finish within 60 s");
        }
    }

    /** Heap in use: the sum of {@code jvm_memory_used_bytes} over the pools of {@code area="heap"}. */
    static double heapUsedBytes(String prometheusText) {
        return sum(prometheusText, "jvm_memory_used_bytes", "area=\"heap\"");
    }

    /** The sum of the series of {@code metric} that carry every one of {@code tags} ({@code name="value"}); 0 when there is none. */
    static double sum(String prometheusText, String metric, String... tags) {
        return prometheusText.lines().filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
                .filter(line -> java.util.Arrays.stream(tags).allMatch(line::contains)).mapToDouble(ServiceProbe::value).sum();
    }

    /** A sample line is {@code name{tags} value [timestamp]}; tag values may hold spaces, so read after the tags. */
    private static double value(String line) {
        int tagsEnd = line.lastIndexOf('}');
        String rest = (tagsEnd >= 0 ? line.substring(tagsEnd + 1) : line.substring(line.indexOf(' '))).trim();
        return Double.parseDouble(rest.split("\\s+")[0]);
    }

    /** {@code VmRSS:    412345 kB} from /proc/&lt;pid&gt;/status, in KiB. */
    static long vmRssKiB(List<String> statusLines) {
        return statusLines.stream().filter(line -> line.startsWith("VmRSS:")).findFirst()
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .orElseThrow(() -> new IllegalArgumentException("no VmRSS line: the process has exited"));
    }
}
