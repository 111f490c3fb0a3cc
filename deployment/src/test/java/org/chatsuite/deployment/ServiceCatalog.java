package org.chatsuite.deployment;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each service really serves and accepts, read from the sources of truth in the repository:
 * its {@code application.properties} (HTTP port, shutdown timings, every property it sets) and its
 * configuration table in the README (settings without a line in the properties file, such as
 * {@code CHATSUITE_JWT_PRIVATE_KEY_LOCATION}). The deployment files are checked against this, so a
 * renamed property or port breaks the build instead of a deployment.
 */
final class ServiceCatalog {

    /** The services and the folders they live in. */
    static final List<String> SERVICES = List.of("user-service", "chat-service", "gateway");

    /** SmallRye Health's endpoints (quarkus-smallrye-health with its default root path, on the management interface). */
    static final String STARTED = "/q/health/started";
    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";
    /** Micrometer's Prometheus endpoint, on the management interface. */
    static final String METRICS = "/q/metrics";

    /**
     * Variables read by the container image itself rather than by Quarkus (run-java.sh of the UBI
     * openjdk images). None is used today; listed so that tuning the JVM is not reported as unknown.
     */
    static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS_APPEND", "JAVA_MAX_MEM_RATIO", "JAVA_INITIAL_MEM_RATIO");

    /**
     * @param httpPort       the API's port: what the gateway, the Ingress and other services reach
     * @param managementPort health and metrics (Quarkus' management interface): only probes and monitoring reach it
     */
    record Service(String name, int httpPort, int managementPort, Duration shutdownTimeout, Duration shutdownDelay,
            Set<String> knownEnv) {

        boolean knows(String env) {
            return knownEnv.contains(env) || IMAGE_VARIABLES.contains(env);
        }
    }

    private ServiceCatalog() {
    }

    /** The three services as the repository defines them now. */
    static Map<String, Service> load() {
        String readme = Repo.read("README.md");
        Map<String, Service> services = new LinkedHashMap<>();
        for (String name : SERVICES) {
            String pom = Repo.read(name + "/pom.xml");
            if (!pom.contains("<artifactId>quarkus-smallrye-health</artifactId>")) {
                throw new IllegalStateException(name + " has no quarkus-smallrye-health: the probes' paths would not exist");
            }
            services.put(name, fromProperties(name, Repo.read(name + "/src/main/resources/application.properties"), readme));
        }
        return services;
    }

    static Service fromProperties(String name, String propertiesText, String readme) {
        Properties raw = new Properties();
        try {
            raw.load(new StringReader(propertiesText));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Effective values in the prod profile (what a container runs): %prod.x overrides x.
        Map<String, String> effective = new LinkedHashMap<>();
        Set<String> env = new TreeSet<>();
        for (String key : raw.stringPropertyNames()) {
            String property = key;
            if (key.startsWith("%")) {
                int dot = key.indexOf('.');
                property = key.substring(dot + 1);
            }
            env.add(toEnv(property));
            if (!key.startsWith("%")) {
                effective.putIfAbsent(property, raw.getProperty(key));
            }
        }
        for (String key : raw.stringPropertyNames()) {
            if (key.startsWith("%prod.")) {
                effective.put(key.substring("%prod.".length()), raw.getProperty(key));
            }
        }
        for (String rootPath : List.of("quarkus.smallrye-health.root-path", "quarkus.management.root-path",
                "quarkus.micrometer.export.prometheus.path")) {
            if (effective.containsKey(rootPath)) {
                throw new IllegalStateException(name + " sets " + rootPath + ": health and metrics are no longer at "
                        + "/q/health/* and " + METRICS);
            }
        }
        if (!Boolean.parseBoolean(effective.get("quarkus.management.enabled"))) {
            throw new IllegalStateException(name + " does not set quarkus.management.enabled=true: its health and metrics "
                    + "would be served on the API's port, which the gateway and the Ingress expose");
        }
        env.addAll(readmeVariables(readme, name));
        int port = Integer.parseInt(Optional.ofNullable(effective.get("quarkus.http.port")).orElse("8080"));
        int managementPort = Integer.parseInt(Optional.ofNullable(effective.get("quarkus.management.port")).orElse("9000"));
        Duration timeout = duration(Optional.ofNullable(effective.get("quarkus.shutdown.timeout")).orElse("0s"));
        Duration delay = Boolean.parseBoolean(effective.getOrDefault("quarkus.shutdown.delay-enabled", "false"))
                ? duration(effective.getOrDefault("quarkus.shutdown.delay", "0s"))
                : Duration.ZERO;
        return new Service(name, port, managementPort, timeout, delay, Set.copyOf(env));
    }

    /** A property name as an environment variable: upper case, every other character becomes '_'. */
    static String toEnv(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static final Pattern ENV_NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

    /** The variables named in the first column of the README's table under "### <service>". */
    static Set<String> readmeVariables(String readme, String service) {
        Set<String> names = new TreeSet<>();
        boolean inSection = false;
        for (String line : readme.lines().toList()) {
            if (line.startsWith("#")) {
                inSection = line.trim().equals("### " + service);
                continue;
            }
            if (inSection && line.startsWith("|")) {
                String[] cells = line.split("\\|");
                if (cells.length > 1) {
                    Matcher m = ENV_NAME.matcher(cells[1]);
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("README.md has no configuration table under '### " + service + "'");
        }
        return names;
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(?i)(\\d+)(ms|s|m|h|d)?");

    /** Quarkus durations: ISO-8601 ("PT10S") or a number with an optional unit ("10s", "15M", "1H"). */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher m = SIMPLE_DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException(text);
        };
    }
}
