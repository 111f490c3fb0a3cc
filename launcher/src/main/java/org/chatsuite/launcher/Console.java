package org.chatsuite.launcher;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The launcher talks to a person at a terminal: short timestamped lines, no logging framework. */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {
    }

    static void info(String format, Object... args) {
        System.out.println(LocalTime.now().format(TIME) + "  " + String.format(format, args));
    }

    static void warn(String format, Object... args) {
        System.err.println(LocalTime.now().format(TIME) + "  WARNING " + String.format(format, args));
    }
}
