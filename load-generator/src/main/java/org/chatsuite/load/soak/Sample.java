package org.chatsuite.load.soak;

import java.util.List;
import java.util.Map;

import org.chatsuite.load.soak.SoakSummary.Memory;

/**
 * One row of the soak's table: when ({@code second} of the hold, -1 before it), the sockets the client
 * has open, messages sent and delivered so far, and each service's memory and open-socket gauge.
 */
record Sample(String label, long second, int clientSockets, long sent, long delivered, Map<String, Memory> memory,
        Map<String, Long> serverSockets, Map<String, ServiceProbe.Breakdown> breakdown) {

    static String table(List<Sample> samples, List<String> services) {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-15s %6s %7s %8s %10s", "sample", "t s", "sockets", "sent", "delivered"));
        services.forEach(name -> table.append(String.format(" | %-24s", name + " heap/rss/socks")));
        table.append(System.lineSeparator());
        samples.forEach(sample -> table.append(sample.row(services)).append(System.lineSeparator()));
        table.append("(heap: MiB in use right after a full GC (jcmd GC.run); rss: VmRSS, MiB; socks: the service's open-socket gauge)")
                .append(System.lineSeparator());
        table.append(String.format("%-15s %6s", "sample", "t s"));
        services.forEach(name -> table.append(String.format(" | %-24s", name + " heap c/nonheap c/direct")));
        table.append(System.lineSeparator());
        samples.forEach(sample -> table.append(sample.breakdownRow(services)).append(System.lineSeparator()));
        table.append("(MiB the JVM has committed for the heap and outside it (metaspace, code cache …), and in direct buffers)")
                .append(System.lineSeparator());
        return table.toString();
    }

    private String breakdownRow(List<String> services) {
        StringBuilder row = new StringBuilder(String.format("%-15s %6s", label, second < 0 ? "-" : String.valueOf(second)));
        for (String name : services) {
            ServiceProbe.Breakdown b = breakdown.get(name);
            row.append(String.format(" | %-24s", b == null ? "unavailable"
                    : String.format("%d / %d / %d", b.committedHeap() >> 20, b.committedNonHeap() >> 20, b.directBuffers() >> 20)));
        }
        return row.toString();
    }

    String row(List<String> services) {
        StringBuilder row = new StringBuilder(String.format("%-15s %6s %7d %8d %10d", label, second < 0 ? "-" : String.valueOf(second),
                clientSockets, sent, delivered));
        for (String name : services) {
            Memory m = memory.get(name);
            Long sockets = serverSockets.get(name);
            String cell = m == null ? "unavailable"
                    : String.format("%.1f / %.0f / %s", m.heapMiB(), m.rssMiB(), sockets == null || sockets < 0 ? "-" : sockets);
            row.append(String.format(" | %-24s", cell));
        }
        return row.toString();
    }
}
