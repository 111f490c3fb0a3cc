package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.chatsuite.processes.Database;
import org.chatsuite.processes.RedisProcess.AppendFsync;
import org.chatsuite.processes.ServiceEnvironment;
import org.chatsuite.processes.ServicePorts;
import org.chatsuite.processes.SuiteSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * The settings of the local suite ({@link SuiteSettings}: what {@code ./run.sh} and the tests'
 * service processes get) against docker-compose.yml and the Kubernetes overlays, which cannot be
 * generated from Java. Every connection the local suite wires (stores, other services, signing key)
 * is set by each deployment too, and every address a deployment gives a service is one the local
 * suite sets as well: a renamed or added connection cannot reach one of them only. Their Redis keeps its
 * append-only file with the same fsync policy.
 */
class LocalSettingsTest {

    /**
     * Each container listens on its service's default ports (the API's, and 9000 for health and
     * metrics): the ports are the one wiring they leave alone.
     */
    private static final Set<String> PORTS = Set.of("QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_PORT");

    private static final Map<String, ServiceEnvironment> LOCAL = local();

    private static Map<String, ServiceEnvironment> local() {
        SuiteSettings settings = new SuiteSettings("redis://127.0.0.1:6380", "http://localhost:8080");
        Database database = new Database("jdbc:postgresql://127.0.0.1:5433/db", "postgres", "");
        String userService = SuiteSettings.localUrl(8081);
        return Map.of(
                "user-service", settings.userService(new ServicePorts(8081, 9000), database, Path.of("keys/jwt-private.pem")),
                "chat-service", settings.chatService(new ServicePorts(8082, 9000), database, userService),
                "gateway", settings.gateway(new ServicePorts(8080, 9000), userService, List.of(SuiteSettings.localUrl(8082))));
    }

    @Test
    void theLocalSuiteDescribesEveryService() {
        assertThat(LOCAL.keySet()).containsExactlyInAnyOrderElementsOf(ServiceCatalog.SERVICES);
    }

    @Test
    void composeSetsTheSameConnectionsAsTheLocalSuite() {
        Map<String, Map<String, String>> compose = composeEnvironments();
        for (String service : ServiceCatalog.SERVICES) {
            // chat-service-1 and -2 share one definition (a YAML anchor).
            Map<String, String> env = compose.get(service.equals("chat-service") ? "chat-service-1" : service);
            assertThat(env.keySet()).as("docker-compose.yml: %s", service).containsAll(connections(service));
            assertThat(addresses(env)).as("addresses docker-compose.yml gives %s", service)
                    .isSubsetOf(LOCAL.get(service).names());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theKubernetesOverlaySetsTheSameConnectionsAsTheLocalSuite(String overlay) {
        assumeTrue(Repo.onPath("kubectl").isPresent(), "kubectl is not on PATH: the overlays cannot be rendered, so this check is skipped");
        List<HasMetadata> objects = Manifests.parse(Manifests.kustomize("k8s/overlays/" + overlay));
        for (String service : ServiceCatalog.SERVICES) {
            Container container = Manifests.get(objects, Deployment.class, service).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            assertThat(ManifestChecker.envNames(container, objects)).as("k8s/overlays/%s: %s", overlay, service)
                    .containsAll(connections(service));
            assertThat(addresses(ManifestChecker.literalEnv(container, objects))).as("addresses k8s/overlays/%s gives %s", overlay, service)
                    .isSubsetOf(LOCAL.get(service).names());
        }
    }

    /**
     * Redis forces its append-only file to disk alike wherever the suite runs it, so an acknowledgement
     * means the same under ./run.sh, Compose and the dev overlay (README.md, Delivery guarantees).
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyRedisOfTheSuiteFsyncsAsTheLocalSuiteDoes() {
        String local = AppendFsync.LOCAL_DEFAULT.redisName();
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Repo.read("docker-compose.yml"));
        List<Object> command = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("redis")).get("command");
        assertThat(valueAfter(command.stream().map(String::valueOf).toList(), "--appendfsync"))
                .isEqualTo("${REDIS_APPENDFSYNC:-" + local + "}");
        StatefulSet redis = Manifests.get(Manifests.parse(Repo.read("k8s/overlays/dev/redis.yaml")), StatefulSet.class, "redis");
        assertThat(valueAfter(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs(), "--appendfsync"))
                .isEqualTo(local);
    }

    private static String valueAfter(List<String> args, String name) {
        int at = args.indexOf(name);
        assertThat(at).as(name + " in " + args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(at + 1);
    }

    private static Set<String> connections(String service) {
        Set<String> wired = LOCAL.get(service).wiredNames();
        wired.removeAll(PORTS);
        return wired;
    }

    /** The variables whose value is an address (a URL, or several). */
    private static Set<String> addresses(Map<String, String> env) {
        Set<String> names = new TreeSet<>();
        env.forEach((name, value) -> {
            if (value.contains("://")) {
                names.add(name);
            }
        });
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> composeEnvironments() {
        // snakeyaml resolves the merge keys (<<: *chat-service) as Compose does.
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Repo.read("docker-compose.yml"));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        Map<String, Map<String, String>> environments = new java.util.HashMap<>();
        services.forEach((name, service) -> {
            Map<String, String> env = new java.util.TreeMap<>();
            ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) -> env.put(k, String.valueOf(v)));
            environments.put(name, env);
        });
        return environments;
    }
}
