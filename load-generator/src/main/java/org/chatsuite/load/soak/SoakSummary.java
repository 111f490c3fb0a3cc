package org.chatsuite.load.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a soak ended: the counts its verdict is made of and every service's memory at the start and the
 * end of the hold (by service name, in the order to print). The run passes only if every socket was
 * opened and none was closed without the client asking, every ping and every {@code auth} frame (a
 * refreshed token) was answered, every member
 * received every message exactly once, and no service logged a pool error or an ERROR line.
 */
record SoakSummary(int socketsWanted, int socketsOpened, long heldSeconds, Map<Integer, Long> unexpectedCloses,
        long pingsUnanswered, long authUnanswered, long messagesSent, long lost, long duplicates, long poolErrors, long errorLines,
        Map<String, Memory> start, Map<String, Memory> end) {

    /** A service's heap in use right after a full GC, and its resident memory. */
    record Memory(long heapBytes, long rssKiB) {
        double heapMiB() {
            return heapBytes / (1024.0 * 1024.0);
        }

        double rssMiB() {
            return rssKiB / 1024.0;
        }
    }

    long unexpectedCloseCount() {
        return unexpectedCloses.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Why the run failed; empty when it passed. */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (socketsOpened < socketsWanted) {
            failures.add((socketsWanted - socketsOpened) + " of " + socketsWanted + " sockets could not be opened");
        }
        if (unexpectedCloseCount() > 0) {
            failures.add(unexpectedCloseCount() + " sockets closed unexpectedly, by code " + unexpectedCloses);
        }
        if (pingsUnanswered > 0) {
            failures.add(pingsUnanswered + " pings unanswered");
        }
        if (authUnanswered > 0) {
            failures.add(authUnanswered + " auth frames (refreshed tokens) unanswered");
        }
        if (lost > 0 || duplicates > 0) {
            failures.add(lost + " deliveries lost, " + duplicates + " duplicated");
        }
        if (poolErrors > 0 || errorLines > 0) {
            failures.add(poolErrors + " pool error lines and " + errorLines + " ERROR lines in the services' logs");
        }
        return failures;
    }

    int exitCode() {
        return failures().isEmpty() ? 0 : 1;
    }

    String lastLine() {
        return String.format("soak: sockets %d, held %d s, unexpected closes %d, pings unanswered %d, messages sent %d, lost %d, "
                + "duplicated %d, pool errors %d, error lines %d, heap start→end %s, rss start→end %s", socketsOpened, heldSeconds,
                unexpectedCloseCount(), pingsUnanswered, messagesSent, lost, duplicates, poolErrors, errorLines,
                startToEnd(m -> String.format("%.1f", m.heapMiB())), startToEnd(m -> String.format("%.0f", m.rssMiB())));
    }

    private String startToEnd(java.util.function.Function<Memory, String> figure) {
        return start.keySet().stream()
                .map(name -> name + " " + figure.apply(start.get(name)) + "→" + (end.containsKey(name) ? figure.apply(end.get(name)) : "?")
                        + " MiB")
                .collect(Collectors.joining(", "));
    }
}
