package org.chatsuite.load.soak;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a service logged during the soak that should not be there: pool errors (a Vert.x HTTP or Redis
 * client pool whose wait queue overflowed) and ERROR lines. Counted by line, a stack trace's
 * {@code Caused by} lines included.
 */
record LogScan(long poolErrors, long errorLines, long warnLines, List<String> examples) {

    private static final int EXAMPLES = 5;
    /** The services' plain console format begins {@code 2026-12-03 08:46:12,123 ERROR [category] …}. */
    private static final Pattern ERROR = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+ ERROR ");
    private static final Pattern WARN = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+ WARN ");

    static LogScan of(Stream<String> lines) {
        long[] counts = new long[3];
        List<String> examples = new ArrayList<>();
        lines.forEach(line -> {
            boolean pool = isPoolError(line);
            boolean error = ERROR.matcher(line).find();
            counts[0] += pool ? 1 : 0;
            counts[1] += error ? 1 : 0;
            counts[2] += WARN.matcher(line).find() ? 1 : 0;
            if ((pool || error) && examples.size() < EXAMPLES) {
                examples.add(line.length() > 300 ? line.substring(0, 300) + "…" : line);
            }
        });
        return new LogScan(counts[0], counts[1], counts[2], examples);
    }

    /** The lines a service appended to {@code log} from {@code offset} on. */
    static LogScan of(Path log, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(offset);
            var reader = new java.io.BufferedReader(Channels.newReader(file.getChannel(), StandardCharsets.UTF_8));
            return of(reader.lines());
        }
    }

    static boolean isPoolError(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        return lower.contains("connectionpooltoobusy") || lower.contains("max wait queue");
    }
}
