package org.chatsuite.processes;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment a service process of the local suite starts with. Whoever starts it (the
 * launcher, a test) owns the wiring (ports, stores, upstream URLs, the signing key): an exported
 * variable of that kind has no effect. Everything else it sets is a local default, and any variable
 * exported to it wins over that default, exactly as every other documented setting passes through.
 */
public final class ServiceEnvironment {

    private final Map<String, String> wiring = new LinkedHashMap<>();
    private final Map<String, String> defaults = new LinkedHashMap<>();

    public ServiceEnvironment wire(String name, String value) {
        wiring.put(name, value);
        return this;
    }

    public ServiceEnvironment byDefault(String name, String value) {
        defaults.put(name, value);
        return this;
    }

    /** The whole environment of the process, given the launcher's own ({@code exported}). */
    public Map<String, String> compose(Map<String, String> exported) {
        Map<String, String> env = new HashMap<>(defaults);
        env.putAll(exported);
        env.putAll(wiring);
        return env;
    }

    /** The names of the wiring: how the service reaches its stores and the other services. */
    public Set<String> wiredNames() {
        return new TreeSet<>(wiring.keySet());
    }

    /** Every name set here, wired or by default. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(wiring.keySet());
        names.addAll(defaults.keySet());
        return names;
    }

    /** Exported variables that the wiring replaces: the user is told that they have no effect. */
    public Set<String> ignoredFrom(Map<String, String> exported) {
        Set<String> ignored = new TreeSet<>(wiring.keySet());
        ignored.retainAll(exported.keySet());
        return ignored;
    }
}
