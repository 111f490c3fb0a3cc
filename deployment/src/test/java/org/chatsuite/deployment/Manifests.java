package org.chatsuite.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Multi-document Kubernetes YAML (kubectl kustomize output) as typed fabric8 objects. */
final class Manifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** Every document of the stream; fails on a document fabric8 does not know as a typed resource. */
    static List<HasMetadata> parse(String multiDocumentYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Object document : yaml.loadAll(multiDocumentYaml)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?> map) || !map.containsKey("kind")) {
                throw new IllegalArgumentException("not a Kubernetes object: " + document);
            }
            KubernetesResource resource = SERIALIZATION.unmarshal(SERIALIZATION.asJson(map), KubernetesResource.class);
            if (!(resource instanceof HasMetadata object) || resource.getClass().getSimpleName().startsWith("Generic")) {
                throw new IllegalArgumentException("unknown kind " + map.get("apiVersion") + "/" + map.get("kind"));
            }
            objects.add(object);
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> Optional<T> find(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    static <T extends HasMetadata> T get(List<HasMetadata> objects, Class<T> type, String name) {
        return find(objects, type, name)
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    /** Renders a kustomization with kubectl (run from the repository root). */
    static String kustomize(String directory) {
        Repo.Result result = Repo.run("kubectl", "kustomize", directory);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + directory + " failed:\n" + result.stderr());
        }
        return result.stdout();
    }
}
