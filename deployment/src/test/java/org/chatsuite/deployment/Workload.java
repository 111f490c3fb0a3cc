package org.chatsuite.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** A Deployment or StatefulSet, seen through what the checks need: its pods. */
record Workload(String kind, String name, Map<String, String> podLabels, Map<String, String> podAnnotations,
        LabelSelector selector, Integer replicas, PodSpec pod) {

    static List<Workload> all(List<HasMetadata> objects) {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment d : Manifests.all(objects, Deployment.class)) {
            workloads.add(new Workload("Deployment", d.getMetadata().getName(), labels(d.getSpec().getTemplate().getMetadata()),
                    annotations(d.getSpec().getTemplate().getMetadata()), d.getSpec().getSelector(), d.getSpec().getReplicas(), d.getSpec().getTemplate().getSpec()));
        }
        for (StatefulSet s : Manifests.all(objects, StatefulSet.class)) {
            workloads.add(new Workload("StatefulSet", s.getMetadata().getName(), labels(s.getSpec().getTemplate().getMetadata()),
                    annotations(s.getSpec().getTemplate().getMetadata()), s.getSpec().getSelector(), s.getSpec().getReplicas(), s.getSpec().getTemplate().getSpec()));
        }
        return workloads;
    }

    private static Map<String, String> labels(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
        return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
    }

    private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
        return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    }

    /** The app name the NetworkPolicies and Services select on. */
    String app() {
        return podLabels.getOrDefault("app.kubernetes.io/name", name);
    }

    String describe() {
        return kind + "/" + name;
    }

    List<Container> containers() {
        return pod.getContainers() == null ? List.of() : pod.getContainers();
    }

    /** The container port a probe or Service names, by name or number; null when none matches. */
    Integer resolvePort(IntOrString port) {
        if (port == null) {
            return null;
        }
        for (Container c : containers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort())) {
                    return p.getContainerPort();
                }
                if (port.getStrVal() != null && port.getStrVal().equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
        }
        return null;
    }

    /** The name of the container port numbered {@code port}, or null. */
    String portName(int port) {
        for (Container c : containers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (p.getContainerPort() == port) {
                    return p.getName();
                }
            }
        }
        return null;
    }

    /** Kubernetes label-selector semantics (matchLabels and matchExpressions). */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new IllegalArgumentException("operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isEmpty(LabelSelector selector) {
        return selector == null
                || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()));
    }
}
