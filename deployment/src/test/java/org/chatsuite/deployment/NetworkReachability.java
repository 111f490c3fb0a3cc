package org.chatsuite.deployment;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * What the NetworkPolicies of one namespace allow, evaluated with Kubernetes' semantics: a pod
 * selected by any policy of a type is isolated for that direction, and then only what some rule of
 * those policies allows gets through. Traffic between two pods needs the sender's egress and the
 * receiver's ingress.
 */
final class NetworkReachability {

    private final List<NetworkPolicy> policies;
    private final List<Workload> workloads;

    NetworkReachability(List<HasMetadata> objects) {
        this.policies = Manifests.all(objects, NetworkPolicy.class);
        this.workloads = Workload.all(objects);
    }

    private static boolean hasType(NetworkPolicy p, String type) {
        List<String> types = p.getSpec().getPolicyTypes();
        if (types == null || types.isEmpty()) {
            // The API's default: Ingress always, Egress when there are egress rules.
            return type.equals("Ingress") || (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty());
        }
        return types.contains(type);
    }

    private List<NetworkPolicy> selecting(Workload w, String type) {
        return policies.stream()
                .filter(p -> hasType(p, type))
                .filter(p -> Workload.isEmpty(p.getSpec().getPodSelector())
                        || Workload.matches(p.getSpec().getPodSelector(), w.podLabels()))
                .toList();
    }

    boolean isolated(Workload w, String type) {
        return !selecting(w, type).isEmpty();
    }

    /** Policies that name this workload in their pod selector (not only the namespace-wide ones). */
    boolean hasOwnPolicy(Workload w) {
        return policies.stream().anyMatch(p -> !Workload.isEmpty(p.getSpec().getPodSelector())
                && Workload.matches(p.getSpec().getPodSelector(), w.podLabels()));
    }

    /** May pod {@code from} (same namespace) open a connection to {@code to} on container port {@code port}? */
    boolean allows(Workload from, Workload to, int port) {
        return allowsIngress(to, from, port) && allowsEgress(from, to, port);
    }

    boolean allowsIngress(Workload to, Workload from, int port) {
        if (!isolated(to, "Ingress")) {
            return true;
        }
        return selecting(to, "Ingress").stream()
                .flatMap(p -> p.getSpec().getIngress() == null ? java.util.stream.Stream.empty() : p.getSpec().getIngress().stream())
                .anyMatch(rule -> portMatches(rule.getPorts(), to, port) && peersMatch(rule.getFrom(), from));
    }

    boolean allowsEgress(Workload from, Workload to, int port) {
        if (!isolated(from, "Egress")) {
            return true;
        }
        return selecting(from, "Egress").stream()
                .flatMap(p -> p.getSpec().getEgress() == null ? java.util.stream.Stream.empty() : p.getSpec().getEgress().stream())
                .anyMatch(rule -> portMatches(rule.getPorts(), to, port) && peersMatch(rule.getTo(), to));
    }

    private static boolean peersMatch(List<NetworkPolicyPeer> peers, Workload other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                continue; // pod IPs are not what the ipBlocks here are for
            }
            if (peer.getNamespaceSelector() != null && !Workload.isEmpty(peer.getNamespaceSelector())) {
                continue; // another namespace (the rules here name namespaces only to reach outside ours)
            }
            if (peer.getPodSelector() == null || Workload.isEmpty(peer.getPodSelector())
                    || Workload.matches(peer.getPodSelector(), other.podLabels())) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(List<NetworkPolicyPort> ports, Workload target, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            if (p.getProtocol() != null && !p.getProtocol().equals("TCP")) {
                continue;
            }
            if (p.getPort() == null) {
                return true;
            }
            if (p.getPort().getIntVal() != null && p.getPort().getIntVal() == port) {
                return true;
            }
            if (p.getPort().getStrVal() != null && port == portByName(target, p.getPort().getStrVal())) {
                return true;
            }
        }
        return false;
    }

    private static int portByName(Workload w, String name) {
        for (Container c : w.containers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (name.equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
        }
        return -1;
    }

    /**
     * Everything that may connect to the workload, as readable names: other workloads (their app
     * name), {@code namespace:<name>} for peers from other namespaces, {@code ip:<cidr>}, or
     * {@code any}. Meant for comparing against the intended matrix in tests.
     */
    Set<String> ingressSources(Workload to) {
        Set<String> sources = new TreeSet<>();
        if (!isolated(to, "Ingress")) {
            sources.add("any");
            return sources;
        }
        for (NetworkPolicy p : selecting(to, "Ingress")) {
            if (p.getSpec().getIngress() == null) {
                continue;
            }
            p.getSpec().getIngress().forEach(rule -> sources.addAll(describe(rule.getFrom())));
        }
        return sources;
    }

    /** Everything the workload may connect to, named as in {@link #ingressSources}. */
    Set<String> egressTargets(Workload from) {
        Set<String> targets = new TreeSet<>();
        if (!isolated(from, "Egress")) {
            targets.add("any");
            return targets;
        }
        for (NetworkPolicy p : selecting(from, "Egress")) {
            if (p.getSpec().getEgress() == null) {
                continue;
            }
            p.getSpec().getEgress().forEach(rule -> targets.addAll(describe(rule.getTo())));
        }
        return targets;
    }

    private Set<String> describe(List<NetworkPolicyPeer> peers) {
        Set<String> names = new TreeSet<>();
        if (peers == null || peers.isEmpty()) {
            names.add("any");
            return names;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                names.add("ip:" + peer.getIpBlock().getCidr());
            } else if (peer.getNamespaceSelector() != null) {
                String namespace = labelsOf(peer.getNamespaceSelector()).getOrDefault("kubernetes.io/metadata.name", "*");
                String pods = peer.getPodSelector() == null ? "" : "/" + String.join(",", labelPairs(peer.getPodSelector()));
                names.add("namespace:" + namespace + pods);
            } else {
                for (Workload w : workloads) {
                    if (Workload.isEmpty(peer.getPodSelector()) || Workload.matches(peer.getPodSelector(), w.podLabels())) {
                        names.add(w.app());
                    }
                }
            }
        }
        return names;
    }

    private static Map<String, String> labelsOf(LabelSelector selector) {
        return selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    }

    private static List<String> labelPairs(LabelSelector selector) {
        return new TreeMap<>(labelsOf(selector)).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
