package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * The checker itself, without kubectl: a small manifest set that keeps every invariant, then one
 * breakage at a time, each of which must be reported. This is what makes a green
 * {@link KustomizeOverlaysTest} mean something.
 */
class ManifestCheckerTest {

    /** A gateway-only deployment that keeps every invariant. */
    static final String VALID = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: gateway-config}
            data:
              CHATSUITE_UPSTREAMS_CHAT_SERVICE: http://chat-service:8082
              QUARKUS_HTTP_PROXY_TRUSTED_PROXIES: 10.0.0.0/8,172.16.0.0/12
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: gateway}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: gateway}}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: gateway}
                  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9000", prometheus.io/path: /q/metrics}
                spec:
                  terminationGracePeriodSeconds: 30
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: gateway
                      image: ghcr.io/acme/chat-suite-gateway:1.2.3
                      ports: [{name: http, containerPort: 8080}, {name: management, containerPort: 9000}]
                      envFrom: [{configMapRef: {name: gateway-config}}]
                      env:
                        - name: QUARKUS_REDIS_HOSTS
                          valueFrom: {secretKeyRef: {name: chat-suite-redis, key: redis-url}}
                      resources:
                        requests: {cpu: 100m, memory: 256Mi}
                        limits: {cpu: "1", memory: 512Mi}
                      startupProbe: {httpGet: {path: /q/health/started, port: management}}
                      livenessProbe: {httpGet: {path: /q/health/live, port: management}}
                      readinessProbe: {httpGet: {path: /q/health/ready, port: 9000}}
                      lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
                      volumeMounts: [{name: tmp, mountPath: /tmp}]
                  volumes: [{name: tmp, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: gateway}
            spec:
              selector: {app.kubernetes.io/name: gateway}
              ports: [{name: http, port: 8080, targetPort: http}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: edge}
            spec:
              rules:
                - host: chat.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: gateway, port: {name: http}}}}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: gateway}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gateway}
              minReplicas: 2
              maxReplicas: 4
              metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: gateway}
            spec:
              maxUnavailable: 1
              selector: {matchLabels: {app.kubernetes.io/name: gateway}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all}
            spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: dns}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: gateway}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: gateway}}
              policyTypes: [Ingress]
              ingress:
                - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]
                  ports: [{protocol: TCP, port: 8080}]
                - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                  ports: [{protocol: TCP, port: management}]
            """;

    private static Map<String, ServiceCatalog.Service> gatewayOnly;

    @BeforeAll
    static void catalog() {
        gatewayOnly = Map.of("gateway", ServiceCatalog.load().get("gateway"));
    }

    private static List<String> problemsAfter(Consumer<List<HasMetadata>> breakage) {
        List<HasMetadata> objects = Manifests.parse(VALID);
        breakage.accept(objects);
        return new ManifestChecker(gatewayOnly, Map.of("chat-suite-redis", Set.of("redis-url"))).check(objects);
    }

    private static Container gateway(List<HasMetadata> objects) {
        return Manifests.get(objects, Deployment.class, "gateway").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theFixtureKeepsEveryInvariant() {
        assertThat(problemsAfter(objects -> { })).isEmpty();
    }

    @Test
    void aContainerWithoutResourcesIsReported() {
        assertThat(problemsAfter(o -> gateway(o).setResources(null)))
                .contains("Deployment/gateway container gateway: no cpu request", "Deployment/gateway container gateway: no memory limit");
    }

    @Test
    void aRequestAboveItsLimitIsReported() {
        assertThat(problemsAfter(o -> gateway(o).getResources().getRequests().put("memory",
                new io.fabric8.kubernetes.api.model.Quantity("1Gi"))))
                .anyMatch(p -> p.contains("memory request 1Gi exceeds its limit 512Mi"));
    }

    @Test
    void unpinnedImagesAreReported() {
        assertThat(problemsAfter(o -> gateway(o).setImage("ghcr.io/acme/chat-suite-gateway:latest")))
                .anyMatch(p -> p.contains("is not pinned"));
        assertThat(problemsAfter(o -> gateway(o).setImage("localhost:5000/chat-suite-gateway")))
                .anyMatch(p -> p.contains("is not pinned"));
        assertThat(ManifestChecker.pinned("localhost:5000/x:1.0")).isTrue();
        assertThat(ManifestChecker.pinned("ghcr.io/a/b@sha256:" + "0".repeat(64))).isTrue();
        assertThat(ManifestChecker.pinned("redis")).isFalse();
    }

    @Test
    void weakenedSecurityContextsAreReported() {
        assertThat(problemsAfter(o -> gateway(o).getSecurityContext().setAllowPrivilegeEscalation(true)))
                .anyMatch(p -> p.endsWith("allowPrivilegeEscalation is not false"));
        assertThat(problemsAfter(o -> gateway(o).getSecurityContext().getCapabilities().setDrop(List.of("NET_RAW"))))
                .anyMatch(p -> p.endsWith("capabilities do not drop ALL"));
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().getTemplate().getSpec()
                .getSecurityContext().setRunAsNonRoot(null)))
                .anyMatch(p -> p.endsWith("runAsNonRoot is not true"));
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().getTemplate().getSpec()
                .getSecurityContext().setSeccompProfile(null)))
                .anyMatch(p -> p.endsWith("seccompProfile is not RuntimeDefault"));
        assertThat(problemsAfter(o -> gateway(o).setVolumeMounts(List.of())))
                .anyMatch(p -> p.endsWith("read-only root filesystem without an emptyDir mounted at /tmp"));
    }

    @Test
    void probesOnTheWrongPathOrPortAreReported() {
        assertThat(problemsAfter(o -> gateway(o).getReadinessProbe().getHttpGet().setPath("/health")))
                .contains("Deployment/gateway container gateway: readinessProbe path /health is not /q/health/ready");
        assertThat(problemsAfter(o -> gateway(o).getLivenessProbe().getHttpGet().setPort(new IntOrString("admin"))))
                .anyMatch(p -> p.contains("livenessProbe port admin is not a container port"));
        // Health is on the management port only: a probe of the API's port would get 404.
        assertThat(problemsAfter(o -> gateway(o).getReadinessProbe().getHttpGet().setPort(new IntOrString("http"))))
                .contains("Deployment/gateway container gateway: readinessProbe port http is 8080, health is served on the "
                        + "management port 9000");
        assertThat(problemsAfter(o -> gateway(o).getPorts().get(0).setContainerPort(8088)))
                .anyMatch(p -> p.contains("no container port 8080"));
        assertThat(problemsAfter(o -> gateway(o).getPorts().remove(1)))
                .anyMatch(p -> p.contains("no container port 9000 (the management port of gateway"))
                .anyMatch(p -> p.contains("startupProbe port management is not a container port"));
        assertThat(problemsAfter(o -> gateway(o).setStartupProbe(null)))
                .contains("Deployment/gateway container gateway: no startupProbe");
    }

    @Test
    void metricsNotScrapedOnTheManagementPortAreReported() {
        String expected = "Deployment/gateway: pods are not annotated for Prometheus to scrape /q/metrics on the management port 9000";
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().getTemplate().getMetadata()
                .getAnnotations().put("prometheus.io/port", "8080"))).contains(expected);
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().getTemplate().getMetadata()
                .setAnnotations(null))).contains(expected);
    }

    @Test
    void theManagementPortOpenToMoreThanMonitoringIsReported() {
        // The ingress controller's rule without ports: every port, the management port included.
        assertThat(problemsAfter(o -> Manifests.get(o, NetworkPolicy.class, "gateway").getSpec().getIngress().get(0).setPorts(null)))
                .contains("Deployment/gateway: NetworkPolicy/gateway admits more than namespace monitoring on the management port 9000");
        assertThat(problemsAfter(o -> Manifests.get(o, NetworkPolicy.class, "gateway").getSpec().getIngress().get(1).getPorts()
                .get(0).setPort(new IntOrString(9000)))).isEmpty();
        assertThat(problemsAfter(o -> Manifests.get(o, NetworkPolicy.class, "gateway").getSpec().getIngress().remove(1)))
                .contains("Deployment/gateway: no NetworkPolicy admits namespace monitoring (Prometheus) on the management port 9000");
    }

    @Test
    void aGracePeriodShorterThanTheDrainIsReported() {
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().getTemplate().getSpec()
                .setTerminationGracePeriodSeconds(6L)))
                .anyMatch(p -> p.contains("terminationGracePeriodSeconds 6 leaves no margin"));
        assertThat(problemsAfter(o -> gateway(o).setLifecycle(null)))
                .anyMatch(p -> p.contains("no preStop sleep"));
    }

    @Test
    void unknownSettingsAndHostNamesAsTrustedProxiesAreReported() {
        assertThat(problemsAfter(o -> gateway(o).getEnv().add(new EnvVar("CHATSUITE_UPSTREAM_CHAT", "http://x", null))))
                .anyMatch(p -> p.contains("environment variable CHATSUITE_UPSTREAM_CHAT is not a setting of gateway"));
        assertThat(problemsAfter(o -> gateway(o).getEnv().add(new EnvVar("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES",
                "10.0.0.0/8,ingress-nginx-controller", null))))
                .anyMatch(p -> p.contains("'ingress-nginx-controller' is not an IP range"));
    }

    @Test
    void missingSecretsAndKeysAreReported() {
        assertThat(problemsAfter(o -> gateway(o).getEnv().get(0).getValueFrom().getSecretKeyRef().setKey("password")))
                .anyMatch(p -> p.contains("Secret chat-suite-redis key password is not among its documented keys"));
        assertThat(problemsAfter(o -> gateway(o).getEnv().get(0).getValueFrom().getSecretKeyRef().setName("redis")))
                .anyMatch(p -> p.contains("Secret redis is neither in the manifests nor among the Secrets the operator creates"))
                .anyMatch(p -> p.contains("Secret chat-suite-redis keys [redis-url] are expected from the operator but nothing uses them"));
        assertThat(problemsAfter(o -> gateway(o).getEnvFrom().get(0).getConfigMapRef().setName("gateway-settings")))
                .anyMatch(p -> p.contains("ConfigMap gateway-settings is neither in the manifests"));
    }

    @Test
    void aServiceSelectingNothingOrAWrongPortIsReported() {
        assertThat(problemsAfter(o -> Manifests.get(o, Service.class, "gateway").getSpec()
                .setSelector(Map.of("app.kubernetes.io/name", "gatway"))))
                .contains("Service/gateway: selector {app.kubernetes.io/name=gatway} matches no Deployment or StatefulSet pods");
        assertThat(problemsAfter(o -> Manifests.get(o, Service.class, "gateway").getSpec().getPorts().get(0)
                .setTargetPort(new IntOrString(8081))))
                .contains("Service/gateway: targetPort 8081 is not a container port of Deployment/gateway");
    }

    @Test
    void ingressBackendsMustBeTheGatewaysExistingPort() {
        assertThat(problemsAfter(o -> Manifests.get(o, Ingress.class, "edge").getSpec().getRules().get(0).getHttp().getPaths()
                .get(0).getBackend().getService().getPort().setName("https")))
                .contains("Ingress/edge: backend port https is not a port of Service gateway");
        assertThat(problemsAfter(o -> Manifests.get(o, Ingress.class, "edge").getSpec().getRules().get(0).getHttp().getPaths()
                .get(0).getBackend().getService().setName("user-service")))
                .anyMatch(p -> p.contains("exposes Service user-service"))
                .anyMatch(p -> p.contains("backend Service user-service does not exist"));
        // A Service port for the management interface, routed to by the Ingress: health and metrics made public.
        assertThat(problemsAfter(o -> {
            Manifests.get(o, Service.class, "gateway").getSpec().getPorts().get(0).setTargetPort(new IntOrString("management"));
        })).contains("Ingress/edge: routes to port 9000 of Deployment/gateway, not gateway's HTTP port 8080");
    }

    @Test
    void autoscalerProblemsAreReported() {
        assertThat(problemsAfter(o -> Manifests.get(o, HorizontalPodAutoscaler.class, "gateway").getSpec().getScaleTargetRef()
                .setName("gateway-v2")))
                .contains("HorizontalPodAutoscaler/gateway: target Deployment/gateway-v2 does not exist");
        assertThat(problemsAfter(o -> Manifests.get(o, Deployment.class, "gateway").getSpec().setReplicas(3)))
                .anyMatch(p -> p.contains("sets replicas"));
    }

    @Test
    void missingNetworkPoliciesAreReported() {
        assertThat(problemsAfter(o -> o.removeIf(x -> x instanceof NetworkPolicy && x.getMetadata().getName().equals("gateway"))))
                .contains("Deployment/gateway: no NetworkPolicy selects its pods");
        assertThat(problemsAfter(o -> o.removeIf(x -> x instanceof NetworkPolicy && x.getMetadata().getName().equals("default-deny-all"))))
                .anyMatch(p -> p.startsWith("no default-deny NetworkPolicy"));
        assertThat(problemsAfter(o -> o.removeIf(x -> x instanceof NetworkPolicy && x.getMetadata().getName().equals("dns"))))
                .contains("Deployment/gateway: egress is restricted but DNS (UDP 53) is not allowed");
    }

    @Test
    void aMissingServiceIsReported() {
        assertThat(problemsAfter(o -> gateway(o).setName("edge")))
                .contains("no workload runs a container named gateway");
    }
}
