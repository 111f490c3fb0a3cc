package org.chatsuite.launcher;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment a service process of the suite starts with. The launcher owns the wiring (ports,
 * stores, upstream URLs, the signing key): it follows the command line, so an exported variable of
 * that kind has no effect. Everything else the launcher sets is a local default, and any variable
 * the user exported wins over it, exactly as every other documented setting passes through.
 */
final class ServiceEnvironment {

    private final Map<String, String> wiring = new LinkedHashMap<>();
    private final Map<String, String> defaults = new LinkedHashMap<>();

    ServiceEnvironment wire(String name, String value) {
        wiring.put(name, value);
        return this;
    }

    ServiceEnvironment byDefault(String name, String value) {
        defaults.put(name, value);
        return this;
    }

    /** The whole environment of the process, given the launcher's own ({@code exported}). */
    Map<String, String> compose(Map<String, String> exported) {
        Map<String, String> env = new HashMap<>(defaults);
        env.putAll(exported);
        env.putAll(wiring);
        return env;
    }

    /** Exported variables that the wiring replaces: the user is told that they have no effect. */
    Set<String> ignoredFrom(Map<String, String> exported) {
        Set<String> ignored = new TreeSet<>(wiring.keySet());
        ignored.retainAll(exported.keySet());
        return ignored;
    }
}
