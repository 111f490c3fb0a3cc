package org.chatsuite.deployment;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The invariants every rendered chat-suite overlay must keep. {@link #check} returns one readable
 * line per violation (empty when all hold), so that a test can show all of them at once and negative
 * tests can assert that a particular breakage is reported.
 */
final class ManifestChecker {

    /** The only Service the Ingress may expose: clients reach nothing but the gateway. */
    static final String EDGE_SERVICE = "gateway";

    /** Where Prometheus runs: the only namespace that may reach the services' management port. */
    static final String MONITORING_NAMESPACE = "monitoring";

    private static final Pattern IP_RANGE = Pattern.compile(
            "(\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:]*(/\\d{1,3})?)");

    private final Map<String, ServiceCatalog.Service> services;
    private final Map<String, Set<String>> externalSecrets;

    /**
     * @param services        what each service serves and accepts (its container is named after it)
     * @param externalSecrets Secrets the operator creates (not in the render): name to keys
     */
    ManifestChecker(Map<String, ServiceCatalog.Service> services, Map<String, Set<String>> externalSecrets) {
        this.services = services;
        this.externalSecrets = externalSecrets;
    }

    List<String> check(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        List<Workload> workloads = Workload.all(objects);
        for (String service : services.keySet()) {
            boolean deployed = workloads.stream().anyMatch(w -> w.containers().stream().anyMatch(c -> c.getName().equals(service)));
            if (!deployed) {
                problems.add("no workload runs a container named " + service);
            }
        }
        for (Workload w : workloads) {
            checkWorkload(w, objects, problems);
        }
        checkReferences(objects, workloads, problems);
        checkServices(objects, workloads, problems);
        checkIngresses(objects, workloads, problems);
        checkAutoscalers(objects, workloads, problems);
        checkDisruptionBudgets(objects, workloads, problems);
        checkNetworkPolicies(objects, workloads, problems);
        return problems;
    }

    // ---------------------------------------------------------------- workloads

    private void checkWorkload(Workload w, List<HasMetadata> objects, List<String> problems) {
        String where = w.describe();
        if (!Workload.matches(w.selector(), w.podLabels())) {
            problems.add(where + ": selector does not match its pod template labels");
        }
        PodSecurityContext pod = Optional.ofNullable(w.pod().getSecurityContext()).orElse(new PodSecurityContext());
        List<Container> all = new ArrayList<>(w.containers());
        if (w.pod().getInitContainers() != null) {
            all.addAll(w.pod().getInitContainers());
        }
        for (Container c : all) {
            String at = where + " container " + c.getName();
            checkSecurity(at, pod, c, w, problems);
            checkResources(at, c.getResources(), problems);
            if (!pinned(c.getImage())) {
                problems.add(at + ": image " + c.getImage() + " is not pinned (needs a tag other than latest, or a digest)");
            }
            if (!w.containers().contains(c)) {
                continue; // init containers have no probes or lifecycle
            }
            checkProbes(at, c, w, problems);
            ServiceCatalog.Service service = services.get(c.getName());
            if (service != null) {
                checkService(at, service, c, w, objects, problems);
            }
        }
    }

    private static void checkSecurity(String at, PodSecurityContext pod, Container c, Workload w, List<String> problems) {
        SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
        Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add(at + ": runAsNonRoot is not true");
        }
        String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                : pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
        if (!"RuntimeDefault".equals(seccomp)) {
            problems.add(at + ": seccompProfile is not RuntimeDefault");
        }
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            problems.add(at + ": allowPrivilegeEscalation is not false");
        }
        if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            problems.add(at + ": readOnlyRootFilesystem is not true");
        } else if (!tmpIsEmptyDir(c, w)) {
            problems.add(at + ": read-only root filesystem without an emptyDir mounted at /tmp");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
            problems.add(at + ": capabilities do not drop ALL");
        } else if (caps.getAdd() != null && !caps.getAdd().isEmpty()) {
            problems.add(at + ": adds capabilities " + caps.getAdd());
        }
    }

    private static boolean tmpIsEmptyDir(Container c, Workload w) {
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            if ("/tmp".equals(m.getMountPath())) {
                return volume(w, m.getName()).map(v -> v.getEmptyDir() != null).orElse(false);
            }
        }
        return false;
    }

    private static Optional<Volume> volume(Workload w, String name) {
        return (w.pod().getVolumes() == null ? List.<Volume>of() : w.pod().getVolumes()).stream()
                .filter(v -> v.getName().equals(name)).findFirst();
    }

    private static void checkResources(String at, ResourceRequirements resources, List<String> problems) {
        Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
        Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = requests.get(resource);
            Quantity limit = limits.get(resource);
            if (request == null) {
                problems.add(at + ": no " + resource + " request");
            }
            if (limit == null) {
                problems.add(at + ": no " + resource + " limit");
            }
            if (request != null && limit != null) {
                BigDecimal r = Quantity.getAmountInBytes(request);
                BigDecimal l = Quantity.getAmountInBytes(limit);
                if (r.compareTo(l) > 0) {
                    problems.add(at + ": " + resource + " request " + request + " exceeds its limit " + limit);
                }
            }
        }
    }

    /** A tag that is not "latest", or a digest. The tag is after the last ':' of the last path segment. */
    static boolean pinned(String image) {
        if (image == null || image.isBlank()) {
            return false;
        }
        if (image.matches(".+@sha256:[0-9a-f]{64}")) {
            return true;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastSegment.substring(colon + 1);
        return !tag.isEmpty() && !tag.equals("latest");
    }

    private static void checkProbes(String at, Container c, Workload w, List<String> problems) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startupProbe", c.getStartupProbe());
        probes.put("livenessProbe", c.getLivenessProbe());
        probes.put("readinessProbe", c.getReadinessProbe());
        probes.forEach((kind, probe) -> {
            if (probe == null) {
                problems.add(at + ": no " + kind);
            } else if (probe.getHttpGet() == null && probe.getExec() == null && probe.getTcpSocket() == null
                    && probe.getGrpc() == null) {
                problems.add(at + ": " + kind + " has no handler");
            } else if (probe.getHttpGet() != null && w.resolvePort(probe.getHttpGet().getPort()) == null) {
                problems.add(at + ": " + kind + " port " + portText(probe.getHttpGet().getPort()) + " is not a container port");
            }
        });
    }

    /**
     * What only the chat-suite services need: real health paths on the management port, metrics
     * scraped there, draining, known settings.
     */
    private void checkService(String at, ServiceCatalog.Service service, Container c, Workload w, List<HasMetadata> objects,
            List<String> problems) {
        Map<String, String> env = literalEnv(c, objects);
        int port = env.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(env.get("QUARKUS_HTTP_PORT")) : service.httpPort();
        int management = managementPort(service, env);
        if (!hasContainerPort(c, port)) {
            problems.add(at + ": no container port " + port + " (the port " + service.name() + " listens on)");
        }
        if (!hasContainerPort(c, management)) {
            problems.add(at + ": no container port " + management + " (the management port of " + service.name()
                    + ": health and metrics)");
        }
        checkHealthProbe(at, "startupProbe", c.getStartupProbe(), ServiceCatalog.STARTED, management, w, problems);
        checkHealthProbe(at, "livenessProbe", c.getLivenessProbe(), ServiceCatalog.LIVE, management, w, problems);
        checkHealthProbe(at, "readinessProbe", c.getReadinessProbe(), ServiceCatalog.READY, management, w, problems);
        checkManagementIngress(w, management, objects, problems);
        Map<String, String> annotations = w.podAnnotations();
        if (!"true".equals(annotations.get("prometheus.io/scrape"))
                || !String.valueOf(management).equals(annotations.get("prometheus.io/port"))
                || !ServiceCatalog.METRICS.equals(annotations.get("prometheus.io/path"))) {
            problems.add(w.describe() + ": pods are not annotated for Prometheus to scrape " + ServiceCatalog.METRICS
                    + " on the management port " + management);
        }

        // Draining: the endpoint must leave the Service (preStop) before SIGTERM, and the pod must
        // not be killed before Quarkus' shutdown delay and timeout have run out.
        long preStop = preStopSleepSeconds(c);
        if (preStop <= 0) {
            problems.add(at + ": no preStop sleep (the endpoint must deregister before shutdown starts)");
        }
        Duration shutdown = env.containsKey("QUARKUS_SHUTDOWN_TIMEOUT")
                ? ServiceCatalog.duration(env.get("QUARKUS_SHUTDOWN_TIMEOUT"))
                : service.shutdownTimeout();
        long needed = Math.max(preStop, 0) + service.shutdownDelay().toSeconds() + shutdown.toSeconds();
        long grace = Optional.ofNullable(w.pod().getTerminationGracePeriodSeconds()).orElse(30L);
        if (grace <= needed) {
            problems.add(at + ": terminationGracePeriodSeconds " + grace + " leaves no margin over preStop + shutdown ("
                    + needed + "s)");
        }

        for (String name : envNames(c, objects)) {
            if (!service.knows(name)) {
                problems.add(at + ": environment variable " + name + " is not a setting of " + service.name()
                        + " (application.properties / README configuration table)");
            }
        }
        String proxies = env.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES");
        if (proxies != null) {
            for (String range : proxies.split(",")) {
                if (!IP_RANGE.matcher(range.trim()).matches()) {
                    problems.add(at + ": QUARKUS_HTTP_PROXY_TRUSTED_PROXIES entry '" + range + "' is not an IP range");
                }
            }
        }
        // A setting that names a file must name a mounted one.
        env.forEach((name, value) -> {
            if (name.endsWith("_LOCATION") && value.startsWith("/")) {
                boolean mounted = c.getVolumeMounts() != null
                        && c.getVolumeMounts().stream().anyMatch(m -> value.startsWith(m.getMountPath() + "/"));
                if (!mounted) {
                    problems.add(at + ": " + name + "=" + value + " is not inside a mounted volume");
                }
            }
        });
    }

    private static int managementPort(ServiceCatalog.Service service, Map<String, String> env) {
        return env.containsKey("QUARKUS_MANAGEMENT_PORT") ? Integer.parseInt(env.get("QUARKUS_MANAGEMENT_PORT"))
                : service.managementPort();
    }

    private static boolean hasContainerPort(Container c, int port) {
        return c.getPorts() != null && c.getPorts().stream().anyMatch(p -> p.getContainerPort() == port);
    }

    /**
     * The management port admits Prometheus' namespace and nothing else (kubelet probes come from
     * the node, which NetworkPolicies do not restrict).
     */
    private static void checkManagementIngress(Workload w, int management, List<HasMetadata> objects, List<String> problems) {
        String name = w.portName(management);
        boolean monitored = false;
        for (NetworkPolicy policy : Manifests.all(objects, NetworkPolicy.class)) {
            LabelSelector selector = policy.getSpec().getPodSelector();
            if (!Workload.isEmpty(selector) && !Workload.matches(selector, w.podLabels())) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress() == null
                    ? List.<NetworkPolicyIngressRule>of() : policy.getSpec().getIngress()) {
                boolean admitsManagement = rule.getPorts() == null || rule.getPorts().isEmpty()
                        || rule.getPorts().stream().anyMatch(p -> p.getPort() == null
                                || Integer.valueOf(management).equals(p.getPort().getIntVal())
                                || (name != null && name.equals(p.getPort().getStrVal())));
                if (!admitsManagement) {
                    continue;
                }
                boolean onlyMonitoring = rule.getFrom() != null && !rule.getFrom().isEmpty()
                        && rule.getFrom().stream().allMatch(peer -> peer.getIpBlock() == null && peer.getPodSelector() == null
                                && peer.getNamespaceSelector() != null && peer.getNamespaceSelector().getMatchLabels() != null
                                && MONITORING_NAMESPACE.equals(peer.getNamespaceSelector().getMatchLabels()
                                        .get("kubernetes.io/metadata.name")));
                if (onlyMonitoring) {
                    monitored = true;
                } else {
                    problems.add(w.describe() + ": NetworkPolicy/" + policy.getMetadata().getName()
                            + " admits more than namespace " + MONITORING_NAMESPACE + " on the management port " + management);
                }
            }
        }
        if (!monitored) {
            problems.add(w.describe() + ": no NetworkPolicy admits namespace " + MONITORING_NAMESPACE
                    + " (Prometheus) on the management port " + management);
        }
    }

    private static void checkHealthProbe(String at, String kind, Probe probe, String path, int port, Workload w,
            List<String> problems) {
        if (probe == null) {
            return; // reported by checkProbes
        }
        if (probe.getHttpGet() == null) {
            problems.add(at + ": " + kind + " is not an HTTP GET of " + path);
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            problems.add(at + ": " + kind + " path " + probe.getHttpGet().getPath() + " is not " + path);
        }
        Integer resolved = w.resolvePort(probe.getHttpGet().getPort());
        if (resolved != null && resolved != port) {
            problems.add(at + ": " + kind + " port " + portText(probe.getHttpGet().getPort()) + " is " + resolved
                    + ", health is served on the management port " + port);
        }
    }

    private static long preStopSleepSeconds(Container c) {
        if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
            return -1;
        }
        var preStop = c.getLifecycle().getPreStop();
        if (preStop.getSleep() != null && preStop.getSleep().getSeconds() != null) {
            return preStop.getSleep().getSeconds();
        }
        if (preStop.getExec() != null && preStop.getExec().getCommand() != null) {
            String command = String.join(" ", preStop.getExec().getCommand());
            var m = Pattern.compile("(?:^|\\s)sleep\\s+(\\d+)").matcher(command);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    /** Literal values the container sees: ConfigMaps loaded with envFrom, then env entries with a value. */
    static Map<String, String> literalEnv(Container c, List<HasMetadata> objects) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                Manifests.find(objects, ConfigMap.class, from.getConfigMapRef().getName())
                        .ifPresent(cm -> { if (cm.getData() != null) { cm.getData().forEach((k, v) -> env.put(prefixed(from, k), v)); } });
            }
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), Objects.toString(e.getValue(), ""));
            } else {
                env.remove(e.getName());
            }
        }
        return env;
    }

    private static String prefixed(EnvFromSource from, String key) {
        return from.getPrefix() == null ? key : from.getPrefix() + key;
    }

    /** Every variable name the container gets, from env and from envFrom ConfigMaps/Secrets that are rendered. */
    static Set<String> envNames(Container c, List<HasMetadata> objects) {
        Set<String> names = new TreeSet<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                Manifests.find(objects, ConfigMap.class, from.getConfigMapRef().getName())
                        .ifPresent(cm -> { if (cm.getData() != null) { cm.getData().keySet().forEach(k -> names.add(prefixed(from, k))); } });
            }
            if (from.getSecretRef() != null) {
                Manifests.find(objects, Secret.class, from.getSecretRef().getName()).ifPresent(s -> secretKeys(s).forEach(k -> names.add(prefixed(from, k))));
            }
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            names.add(e.getName());
        }
        return names;
    }

    private static String portText(IntOrString port) {
        return port == null ? "null" : port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }

    // ---------------------------------------------------------------- Secret and ConfigMap references

    private record Reference(String kind, String name, String key, String from) {
    }

    private void checkReferences(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        List<Reference> references = new ArrayList<>();
        for (Workload w : workloads) {
            List<Container> all = new ArrayList<>(w.containers());
            if (w.pod().getInitContainers() != null) {
                all.addAll(w.pod().getInitContainers());
            }
            for (Container c : all) {
                String from = w.describe() + " container " + c.getName();
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        references.add(new Reference("Secret", e.getValueFrom().getSecretKeyRef().getName(),
                                e.getValueFrom().getSecretKeyRef().getKey(), from + " env " + e.getName()));
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        references.add(new Reference("ConfigMap", e.getValueFrom().getConfigMapKeyRef().getName(),
                                e.getValueFrom().getConfigMapKeyRef().getKey(), from + " env " + e.getName()));
                    }
                }
                for (EnvFromSource e : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
                    if (e.getSecretRef() != null) {
                        references.add(new Reference("Secret", e.getSecretRef().getName(), null, from + " envFrom"));
                    }
                    if (e.getConfigMapRef() != null) {
                        references.add(new Reference("ConfigMap", e.getConfigMapRef().getName(), null, from + " envFrom"));
                    }
                }
            }
            for (Volume v : w.pod().getVolumes() == null ? List.<Volume>of() : w.pod().getVolumes()) {
                String from = w.describe() + " volume " + v.getName();
                if (v.getSecret() != null) {
                    addItems(references, "Secret", v.getSecret().getSecretName(), v.getSecret().getItems(), from);
                }
                if (v.getConfigMap() != null) {
                    addItems(references, "ConfigMap", v.getConfigMap().getName(), v.getConfigMap().getItems(), from);
                }
                if (v.getProjected() != null && v.getProjected().getSources() != null) {
                    for (VolumeProjection p : v.getProjected().getSources()) {
                        if (p.getSecret() != null) {
                            addItems(references, "Secret", p.getSecret().getName(), p.getSecret().getItems(), from);
                        }
                        if (p.getConfigMap() != null) {
                            addItems(references, "ConfigMap", p.getConfigMap().getName(), p.getConfigMap().getItems(), from);
                        }
                    }
                }
            }
        }
        for (Ingress ingress : Manifests.all(objects, Ingress.class)) {
            if (ingress.getSpec().getTls() != null) {
                ingress.getSpec().getTls().forEach(tls -> {
                    String from = "Ingress/" + ingress.getMetadata().getName() + " tls";
                    references.add(new Reference("Secret", tls.getSecretName(), "tls.crt", from));
                    references.add(new Reference("Secret", tls.getSecretName(), "tls.key", from));
                });
            }
        }

        Map<String, Set<String>> usedExternal = new HashMap<>();
        for (Reference r : references) {
            Optional<Set<String>> rendered = r.kind().equals("Secret")
                    ? Manifests.find(objects, Secret.class, r.name()).map(ManifestChecker::secretKeys)
                    : Manifests.find(objects, ConfigMap.class, r.name()).map(ManifestChecker::configMapKeys);
            if (rendered.isPresent()) {
                if (r.key() != null && !rendered.get().contains(r.key())) {
                    problems.add(r.from() + ": " + r.kind() + " " + r.name() + " has no key " + r.key());
                }
                continue;
            }
            Set<String> external = r.kind().equals("Secret") ? externalSecrets.get(r.name()) : null;
            if (external == null) {
                problems.add(r.from() + ": " + r.kind() + " " + r.name() + " is neither in the manifests nor among the "
                        + "Secrets the operator creates " + externalSecrets.keySet());
            } else if (r.key() != null && !external.contains(r.key())) {
                problems.add(r.from() + ": Secret " + r.name() + " key " + r.key() + " is not among its documented keys " + external);
            } else {
                usedExternal.computeIfAbsent(r.name(), n -> new HashSet<>())
                        .addAll(r.key() == null ? external : Set.of(r.key()));
            }
        }
        externalSecrets.forEach((name, keys) -> {
            if (Manifests.find(objects, Secret.class, name).isPresent()) {
                problems.add("Secret " + name + " is rendered but also listed as created by the operator");
            }
            Set<String> unused = new TreeSet<>(keys);
            unused.removeAll(usedExternal.getOrDefault(name, Set.of()));
            if (!unused.isEmpty()) {
                problems.add("Secret " + name + " keys " + unused + " are expected from the operator but nothing uses them");
            }
        });
    }

    private static void addItems(List<Reference> references, String kind, String name, List<KeyToPath> items, String from) {
        if (items == null || items.isEmpty()) {
            references.add(new Reference(kind, name, null, from));
        } else {
            items.forEach(i -> references.add(new Reference(kind, name, i.getKey(), from)));
        }
    }

    static Set<String> secretKeys(Secret s) {
        Set<String> keys = new TreeSet<>();
        if (s.getData() != null) {
            keys.addAll(s.getData().keySet());
        }
        if (s.getStringData() != null) {
            keys.addAll(s.getStringData().keySet());
        }
        return keys;
    }

    private static Set<String> configMapKeys(ConfigMap cm) {
        Set<String> keys = new TreeSet<>();
        if (cm.getData() != null) {
            keys.addAll(cm.getData().keySet());
        }
        if (cm.getBinaryData() != null) {
            keys.addAll(cm.getBinaryData().keySet());
        }
        return keys;
    }

    // ---------------------------------------------------------------- Services, Ingress, HPA, PDB

    private static void checkServices(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        for (Service s : Manifests.all(objects, Service.class)) {
            String where = "Service/" + s.getMetadata().getName();
            Map<String, String> selector = s.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                problems.add(where + ": no selector");
                continue;
            }
            List<Workload> selected = selectedBy(s, workloads);
            if (selected.isEmpty()) {
                problems.add(where + ": selector " + selector + " matches no Deployment or StatefulSet pods");
                continue;
            }
            for (ServicePort port : s.getSpec().getPorts() == null ? List.<ServicePort>of() : s.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                for (Workload w : selected) {
                    if (w.resolvePort(target) == null) {
                        problems.add(where + ": targetPort " + portText(target) + " is not a container port of " + w.describe());
                    }
                }
            }
        }
    }

    private static List<Workload> selectedBy(Service s, List<Workload> workloads) {
        Map<String, String> selector = s.getSpec().getSelector() == null ? Map.of() : s.getSpec().getSelector();
        return workloads.stream()
                .filter(w -> selector.entrySet().stream().allMatch(e -> e.getValue().equals(w.podLabels().get(e.getKey()))))
                .toList();
    }

    private void checkIngresses(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        for (Ingress ingress : Manifests.all(objects, Ingress.class)) {
            String where = "Ingress/" + ingress.getMetadata().getName();
            List<IngressBackend> backends = new ArrayList<>();
            if (ingress.getSpec().getDefaultBackend() != null) {
                backends.add(ingress.getSpec().getDefaultBackend());
            }
            for (IngressRule rule : ingress.getSpec().getRules() == null ? List.<IngressRule>of() : ingress.getSpec().getRules()) {
                if (rule.getHttp() != null) {
                    rule.getHttp().getPaths().forEach(p -> backends.add(p.getBackend()));
                }
            }
            if (backends.isEmpty()) {
                problems.add(where + ": no backend");
            }
            for (IngressBackend backend : backends) {
                if (backend.getService() == null) {
                    problems.add(where + ": a backend is not a Service");
                    continue;
                }
                String name = backend.getService().getName();
                if (!EDGE_SERVICE.equals(name)) {
                    problems.add(where + ": exposes Service " + name + "; only " + EDGE_SERVICE + " may be reachable from outside");
                }
                Optional<Service> service = Manifests.find(objects, Service.class, name);
                if (service.isEmpty()) {
                    problems.add(where + ": backend Service " + name + " does not exist");
                    continue;
                }
                var port = backend.getService().getPort();
                Optional<ServicePort> servicePort = port == null ? Optional.empty() : service.get().getSpec().getPorts().stream()
                        .filter(p -> (port.getNumber() != null && port.getNumber().equals(p.getPort()))
                                || (port.getName() != null && port.getName().equals(p.getName())))
                        .findFirst();
                if (servicePort.isEmpty()) {
                    problems.add(where + ": backend port " + (port == null ? "null" : Objects.toString(port.getName(),
                            Objects.toString(port.getNumber()))) + " is not a port of Service " + name);
                    continue;
                }
                // Only the API's port: health and metrics (the management port) never leave the cluster.
                IntOrString target = servicePort.get().getTargetPort() != null ? servicePort.get().getTargetPort()
                        : new IntOrString(servicePort.get().getPort());
                ServiceCatalog.Service edge = services.get(name);
                for (Workload w : selectedBy(service.get(), workloads)) {
                    Integer resolved = w.resolvePort(target);
                    if (edge != null && resolved != null && resolved != edge.httpPort()) {
                        problems.add(where + ": routes to port " + resolved + " of " + w.describe() + ", not " + name
                                + "'s HTTP port " + edge.httpPort());
                    }
                }
            }
        }
    }

    private static void checkAutoscalers(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        for (HorizontalPodAutoscaler hpa : Manifests.all(objects, HorizontalPodAutoscaler.class)) {
            String where = "HorizontalPodAutoscaler/" + hpa.getMetadata().getName();
            var ref = hpa.getSpec().getScaleTargetRef();
            Optional<Workload> target = workloads.stream()
                    .filter(w -> w.kind().equals(ref.getKind()) && w.name().equals(ref.getName())).findFirst();
            if (target.isEmpty()) {
                problems.add(where + ": target " + ref.getKind() + "/" + ref.getName() + " does not exist");
                continue;
            }
            if (target.get().replicas() != null) {
                problems.add(where + ": " + target.get().describe() + " sets replicas, which every apply would reset under the autoscaler");
            }
            if (hpa.getSpec().getMinReplicas() == null || hpa.getSpec().getMinReplicas() < 2) {
                problems.add(where + ": minReplicas below 2 (one restart would be an outage)");
            }
            for (MetricSpec metric : hpa.getSpec().getMetrics() == null ? List.<MetricSpec>of() : hpa.getSpec().getMetrics()) {
                if (metric.getResource() != null) {
                    String resource = metric.getResource().getName();
                    for (Container c : target.get().containers()) {
                        if (c.getResources() == null || c.getResources().getRequests() == null
                                || !c.getResources().getRequests().containsKey(resource)) {
                            problems.add(where + ": scales on " + resource + " but container " + c.getName() + " requests none");
                        }
                    }
                }
            }
        }
    }

    private static void checkDisruptionBudgets(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        for (PodDisruptionBudget pdb : Manifests.all(objects, PodDisruptionBudget.class)) {
            LabelSelector selector = pdb.getSpec().getSelector();
            if (workloads.stream().noneMatch(w -> Workload.matches(selector, w.podLabels()))) {
                problems.add("PodDisruptionBudget/" + pdb.getMetadata().getName() + ": selects no workload's pods");
            }
        }
    }

    // ---------------------------------------------------------------- NetworkPolicies

    private static void checkNetworkPolicies(List<HasMetadata> objects, List<Workload> workloads, List<String> problems) {
        List<NetworkPolicy> policies = Manifests.all(objects, NetworkPolicy.class);
        boolean defaultDeny = policies.stream().anyMatch(p -> Workload.isEmpty(p.getSpec().getPodSelector())
                && p.getSpec().getPolicyTypes() != null
                && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty())
                && (p.getSpec().getEgress() == null || p.getSpec().getEgress().isEmpty()));
        if (!defaultDeny) {
            problems.add("no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)");
        }
        NetworkReachability net = new NetworkReachability(objects);
        for (Workload w : workloads) {
            if (!net.hasOwnPolicy(w)) {
                problems.add(w.describe() + ": no NetworkPolicy selects its pods");
            }
            if (net.isolated(w, "Egress") && !allowsDns(policies, w)) {
                problems.add(w.describe() + ": egress is restricted but DNS (UDP 53) is not allowed");
            }
        }
        // Both ends must agree: an ingress rule naming a peer whose egress is closed (or the reverse)
        // is traffic that silently never flows.
        for (Workload from : workloads) {
            for (Workload to : workloads) {
                if (from == to) {
                    continue;
                }
                for (Container c : to.containers()) {
                    for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                        int port = p.getContainerPort();
                        boolean in = net.isolated(to, "Ingress") && net.ingressSources(to).contains(from.app())
                                && net.allowsIngress(to, from, port);
                        boolean out = net.isolated(from, "Egress") && net.egressTargets(from).contains(to.app())
                                && net.allowsEgress(from, to, port);
                        if (in && !net.allowsEgress(from, to, port)) {
                            problems.add(to.describe() + " admits " + from.app() + " on " + port + " but "
                                    + from.describe() + "'s egress does not allow it");
                        }
                        if (out && !net.allowsIngress(to, from, port)) {
                            problems.add(from.describe() + " may send to " + to.app() + " on " + port + " but "
                                    + to.describe() + "'s ingress does not admit it");
                        }
                    }
                }
            }
        }
    }

    private static boolean allowsDns(List<NetworkPolicy> policies, Workload w) {
        return policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes() != null && p.getSpec().getPolicyTypes().contains("Egress"))
                .filter(p -> Workload.isEmpty(p.getSpec().getPodSelector()) || Workload.matches(p.getSpec().getPodSelector(), w.podLabels()))
                .flatMap(p -> p.getSpec().getEgress() == null ? java.util.stream.Stream.<NetworkPolicyEgressRule>empty() : p.getSpec().getEgress().stream())
                .anyMatch(rule -> rule.getPorts() != null && rule.getPorts().stream().anyMatch(port ->
                        "UDP".equals(port.getProtocol()) && port.getPort() != null && Integer.valueOf(53).equals(port.getPort().getIntVal())));
    }
}
