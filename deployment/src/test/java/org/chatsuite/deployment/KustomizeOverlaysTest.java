package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * Renders k8s/overlays/dev and k8s/overlays/prod with {@code kubectl kustomize} and checks them:
 * the general invariants of {@link ManifestChecker}, plus what is particular to each overlay.
 */
class KustomizeOverlaysTest {

    /**
     * The Secrets the operator creates before applying each overlay (docs/DEPLOY.md gives the
     * commands; overlays/NAME/secret.example.yaml is the template). Nothing else may be referenced
     * without being rendered, and every key listed here must be used.
     */
    static final Map<String, Map<String, Set<String>>> OPERATOR_SECRETS = Map.of(
            "dev", Map.of(
                    "chat-suite-jwt", Set.of("jwt-private.pem"),
                    "user-service-db", Set.of("username", "password"),
                    "chat-service-db", Set.of("username", "password"),
                    "postgres-admin", Set.of("password")),
            "prod", Map.of(
                    "chat-suite-jwt", Set.of("jwt-private.pem"),
                    "user-service-db", Set.of("jdbc-url", "username", "password"),
                    "chat-service-db", Set.of("jdbc-url", "username", "password"),
                    "chat-suite-redis", Set.of("redis-url"),
                    "chat-suite-tls", Set.of("tls.crt", "tls.key")));

    static final String JWKS_URL = "http://user-service:8081/.well-known/jwks.json";

    private static Map<String, ServiceCatalog.Service> services;
    private static final Map<String, List<HasMetadata>> RENDERED = new LinkedHashMap<>();

    private static final boolean KUBECTL = Repo.onPath("kubectl").isPresent();

    @BeforeAll
    static void render() {
        services = ServiceCatalog.load();
        if (KUBECTL) {
            for (String overlay : List.of("dev", "prod")) {
                RENDERED.put(overlay, Manifests.parse(Manifests.kustomize("k8s/overlays/" + overlay)));
            }
        }
    }

    /** Each test is reported as skipped, with the reason, where kubectl is missing. */
    @BeforeEach
    void needsKubectl() {
        assumeTrue(KUBECTL, "kubectl is not on PATH: the kustomize overlays cannot be rendered, so this check is skipped");
    }

    private static List<HasMetadata> overlay(String name) {
        return RENDERED.get(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayKeepsEveryInvariant(String overlay) {
        List<String> problems = new ManifestChecker(services, OPERATOR_SECRETS.get(overlay)).check(overlay(overlay));
        assertThat(problems).as("problems in k8s/overlays/" + overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretIsRenderedAndTheTemplateListsExactlyTheExpectedOnes(String overlay) {
        assertThat(Manifests.all(overlay(overlay), Secret.class)).as("Secrets in the render (they belong in no file in git)").isEmpty();
        List<HasMetadata> template = Manifests.parse(Repo.read("k8s/overlays/" + overlay + "/secret.example.yaml"));
        Map<String, Set<String>> documented = Manifests.all(template, Secret.class).stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), ManifestChecker::secretKeys));
        assertThat(new TreeMap<>(documented)).isEqualTo(new TreeMap<>(OPERATOR_SECRETS.get(overlay)));
        assertThat(Manifests.all(template, Secret.class)).allSatisfy(s -> assertThat(s.getMetadata().getNamespace()).isEqualTo("chat-suite"));
        // The template must not be picked up by kustomize.
        Map<?, ?> kustomization = new org.yaml.snakeyaml.Yaml().load(Repo.read("k8s/overlays/" + overlay + "/kustomization.yaml"));
        assertThat(String.valueOf(kustomization.get("resources"))).doesNotContain("secret.example");
        assertThat(kustomization.get("secretGenerator")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everythingLivesInTheChatSuiteNamespace(String overlay) {
        for (HasMetadata o : overlay(overlay)) {
            if (o.getKind().equals("Namespace")) {
                assertThat(o.getMetadata().getName()).isEqualTo("chat-suite");
            } else {
                assertThat(o.getMetadata().getNamespace()).as(o.getKind() + "/" + o.getMetadata().getName()).isEqualTo("chat-suite");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesAreWiredToEachOther(String overlay) {
        List<HasMetadata> objects = overlay(overlay);
        // The Service ports are the ports the services listen on, so the URLs below are right.
        for (ServiceCatalog.Service s : services.values()) {
            Service svc = Manifests.get(objects, Service.class, s.name());
            assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(s.httpPort());
        }
        Map<String, String> chat = env(objects, "chat-service");
        assertThat(chat).containsEntry("QUARKUS_REST_CLIENT_USERS_URL", "http://user-service:8081")
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", JWKS_URL);
        Map<String, String> gateway = env(objects, "gateway");
        assertThat(gateway).containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", JWKS_URL)
                .containsEntry("CHATSUITE_UPSTREAMS_USER_SERVICE", "http://user-service:8081")
                .containsEntry("CHATSUITE_UPSTREAMS_CHAT_SERVICE", "http://chat-service:8082")
                .containsKey("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES");
        // Both sides of a token must agree on the issuer.
        assertThat(chat.get("MP_JWT_VERIFY_ISSUER")).isEqualTo(env(objects, "user-service").get("CHATSUITE_JWT_ISSUER"))
                .isEqualTo(gateway.get("MP_JWT_VERIFY_ISSUER"));
        for (String service : services.keySet()) {
            assertThat(env(objects, service)).as(service + " logs JSON").containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyUserServiceHoldsTheSigningKey(String overlay) {
        List<HasMetadata> objects = overlay(overlay);
        for (Workload w : Workload.all(objects)) {
            // fabric8's toString spells out the whole pod spec: env, envFrom and volumes.
            boolean mountsKey = String.valueOf(w.pod()).contains("chat-suite-jwt");
            assertThat(mountsKey).as(w.describe() + " references the signing key Secret").isEqualTo(w.name().equals("user-service"));
        }
        Map<String, String> user = env(objects, "user-service");
        assertThat(user).containsEntry("CHATSUITE_JWT_PRIVATE_KEY_LOCATION", "/etc/chat-suite/jwt/jwt-private.pem")
                .doesNotContainKey("CHATSUITE_JWT_GENERATE_KEY_IF_MISSING");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imagesArePinnedReleasesOfTheSuite(String overlay) {
        Set<String> tags = new java.util.TreeSet<>();
        for (String service : services.keySet()) {
            String image = container(overlay(overlay), service).getImage();
            assertThat(image).startsWith("ghcr.io/").contains("/chat-suite-" + service + ":");
            tags.add(image.substring(image.lastIndexOf(':') + 1));
        }
        assertThat(tags).as("one release for the three services").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ingressIsWebSocketFriendlyAndReachesOnlyTheGateway(String overlay) {
        List<Ingress> ingresses = Manifests.all(overlay(overlay), Ingress.class);
        assertThat(ingresses).hasSize(1);
        Ingress ingress = ingresses.get(0);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/" + timeout)))
                    .as(timeout + " (seconds an idle WebSocket survives)").isGreaterThanOrEqualTo(3600);
        }
        assertThat(ingress.getSpec().getRules()).flatExtracting(r -> r.getHttp().getPaths())
                .allSatisfy(p -> assertThat(p.getBackend().getService().getName()).isEqualTo("gateway"));
    }

    @Test
    void chatServiceDrainsItsWebSockets() {
        for (String overlay : List.of("dev", "prod")) {
            Deployment chat = Manifests.get(overlay(overlay), Deployment.class, "chat-service");
            ServiceCatalog.Service s = services.get("chat-service");
            long preStop = Long.parseLong(container(overlay(overlay), "chat-service").getLifecycle().getPreStop().getExec().getCommand().get(1));
            // preStop, then 1001 closes and the shutdown delay (no timeout: see application.properties), then margin.
            assertThat(chat.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                    .isGreaterThan(preStop + s.shutdownDelay().toSeconds() + s.shutdownTimeout().toSeconds());
            assertThat(s.shutdownTimeout()).isZero();
        }
    }

    @Test
    void devRunsPersistentPostgresAndRedisInTheCluster() {
        List<HasMetadata> dev = overlay("dev");
        StatefulSet redis = Manifests.get(dev, StatefulSet.class, "redis");
        List<String> args = redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertThat(String.join(" ", args)).contains("--appendonly yes", "--appendfsync always");
        StatefulSet postgres = Manifests.get(dev, StatefulSet.class, "postgres");
        for (StatefulSet s : List.of(redis, postgres)) {
            assertThat(s.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName()).containsExactly("data");
            assertThat(s.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                    .extracting(m -> m.getName()).contains("data");
            assertThat(s.getSpec().getServiceName()).isEqualTo(s.getMetadata().getName());
        }
        // The init script is the compose one, byte for byte.
        ConfigMap init = Manifests.all(dev, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("postgres-init")).findFirst().orElseThrow();
        assertThat(init.getData().get("init-databases.sh")).isEqualTo(Repo.read("deploy/compose/postgres-init/01-databases.sh"));
        assertThat(env(dev, "user-service")).containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/users")
                .containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis:6379");
        assertThat(env(dev, "chat-service")).containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/chat");
    }

    @Test
    void prodTakesManagedDatastoresFromSecrets() {
        List<HasMetadata> prod = overlay("prod");
        assertThat(Manifests.all(prod, StatefulSet.class)).isEmpty();
        Map<String, String> expected = Map.of("user-service", "user-service-db", "chat-service", "chat-service-db");
        expected.forEach((service, secret) ->
                assertThat(secretRef(container(prod, service), "QUARKUS_DATASOURCE_JDBC_URL")).isEqualTo(secret + "/jdbc-url"));
        for (String service : services.keySet()) {
            assertThat(secretRef(container(prod, service), "QUARKUS_REDIS_HOSTS")).isEqualTo("chat-suite-redis/redis-url");
        }
        assertThat(env(prod, "user-service")).containsEntry("CHATSUITE_COOKIE_SECURE", "true");
        assertThat(Manifests.get(prod, Ingress.class, "chat-suite").getSpec().getTls()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesAllowExactlyTheIntendedTraffic(String overlay) {
        List<HasMetadata> objects = overlay(overlay);
        NetworkReachability net = new NetworkReachability(objects);
        Map<String, Workload> w = Workload.all(objects).stream().collect(Collectors.toMap(Workload::app, x -> x));
        String dns = "namespace:kube-system/k8s-app=kube-dns";
        String ingressController = "namespace:ingress-nginx";
        // Prometheus, on the management port only (ManifestChecker checks the port).
        String monitoring = "namespace:" + ManifestChecker.MONITORING_NAMESPACE;

        assertThat(net.ingressSources(w.get("gateway"))).containsExactlyInAnyOrder(ingressController, monitoring);
        assertThat(net.ingressSources(w.get("user-service"))).containsExactlyInAnyOrder("gateway", "chat-service", monitoring);
        assertThat(net.ingressSources(w.get("chat-service"))).containsExactlyInAnyOrder("gateway", monitoring);
        for (String s : services.keySet()) {
            assertThat(net.allows(w.get("gateway"), w.get(s), services.get(s).managementPort())).as("gateway -> " + s).isFalse();
        }

        assertThat(net.allows(w.get("gateway"), w.get("user-service"), 8081)).isTrue();
        assertThat(net.allows(w.get("gateway"), w.get("chat-service"), 8082)).isTrue();
        assertThat(net.allows(w.get("chat-service"), w.get("user-service"), 8081)).isTrue();
        assertThat(net.allows(w.get("user-service"), w.get("chat-service"), 8082)).isFalse();
        assertThat(net.allows(w.get("user-service"), w.get("gateway"), 8080)).isFalse();
        assertThat(net.allows(w.get("chat-service"), w.get("gateway"), 8080)).isFalse();

        if (overlay.equals("dev")) {
            assertThat(net.ingressSources(w.get("postgres"))).containsExactlyInAnyOrder("user-service", "chat-service");
            assertThat(net.ingressSources(w.get("redis"))).containsExactlyInAnyOrder("gateway", "user-service", "chat-service");
            assertThat(net.allows(w.get("gateway"), w.get("postgres"), 5432)).isFalse();
            assertThat(net.allows(w.get("user-service"), w.get("postgres"), 5432)).isTrue();
            assertThat(net.allows(w.get("chat-service"), w.get("postgres"), 5432)).isTrue();
            for (String s : services.keySet()) {
                assertThat(net.allows(w.get(s), w.get("redis"), 6379)).as(s + " -> redis").isTrue();
            }
            assertThat(net.egressTargets(w.get("gateway"))).containsExactlyInAnyOrder(dns, "user-service", "chat-service", "redis");
            assertThat(net.egressTargets(w.get("user-service"))).containsExactlyInAnyOrder(dns, "postgres", "redis");
            assertThat(net.egressTargets(w.get("chat-service"))).containsExactlyInAnyOrder(dns, "user-service", "postgres", "redis");
            assertThat(net.egressTargets(w.get("postgres"))).containsExactly(dns);
            assertThat(net.egressTargets(w.get("redis"))).containsExactly(dns);
        } else {
            String managed = "ip:10.200.0.0/16";
            assertThat(net.egressTargets(w.get("gateway"))).containsExactlyInAnyOrder(dns, "user-service", "chat-service", managed);
            assertThat(net.egressTargets(w.get("user-service"))).containsExactlyInAnyOrder(dns, managed);
            assertThat(net.egressTargets(w.get("chat-service"))).containsExactlyInAnyOrder(dns, "user-service", managed);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Container container(List<HasMetadata> objects, String service) {
        return Manifests.get(objects, Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(service)).findFirst().orElseThrow();
    }

    /** The literal environment of a service's container: its ConfigMaps, then its env values. */
    private static Map<String, String> env(List<HasMetadata> objects, String service) {
        Container c = container(objects, service);
        Map<String, String> env = new TreeMap<>();
        c.getEnvFrom().stream().filter(e -> e.getConfigMapRef() != null)
                .forEach(e -> env.putAll(Manifests.get(objects, ConfigMap.class, e.getConfigMapRef().getName()).getData()));
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue());
            } else {
                env.remove(e.getName());
            }
        }
        return env;
    }

    private static String secretRef(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name) && e.getValueFrom() != null
                        && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey())
                .findFirst().orElse("none");
    }
}
