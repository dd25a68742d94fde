package io.peregrine.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The chart rendered by {@code helm template} (helm-java: Helm's own Go code, no binary, no
 * cluster) and parsed into Fabric8 types. Objects whose kind Fabric8 does not model (DiskPool,
 * ServiceMonitor, cert-manager's) parse as {@code GenericKubernetesResource}.
 */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final String RELEASE = "peregrine";
    static final String NAMESPACE = "peregrine-system";
    /** helm template's own default is 1.20, older than the chart's kubeVersion. */
    static final String KUBE_VERSION = "v1.34.0";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Path chart() {
        Path chart = Path.of(System.getProperty("peregrine.chart", "peregrine"));
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("no chart at " + chart.toAbsolutePath()
                    + "; run the tests from the helm module (or set -Dperegrine.chart=DIR)");
        }
        return chart;
    }

    /** {@code helm template peregrine helm/peregrine -n peregrine-system --set k=v ...}. */
    static RenderedChart render(Map<String, Object> values) {
        TemplateCommand template = new Helm(chart())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        values.forEach(template::set);
        return parse(template.call());
    }

    static RenderedChart renderWithValuesFile(Path valuesFile) {
        return parse(new Helm(chart())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(valuesFile)
                .call());
    }

    static RenderedChart parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
        }
        return new RenderedChart(yaml, List.copyOf(objects));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " rendered"));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** Every workload's pod spec, keyed by "Kind/name". */
    Map<String, PodSpec> podSpecs() {
        Map<String, PodSpec> specs = new LinkedHashMap<>();
        for (Deployment d : all(Deployment.class)) {
            specs.put(
                    "Deployment/" + d.getMetadata().getName(),
                    d.getSpec().getTemplate().getSpec());
        }
        for (DaemonSet d : all(DaemonSet.class)) {
            specs.put(
                    "DaemonSet/" + d.getMetadata().getName(),
                    d.getSpec().getTemplate().getSpec());
        }
        return specs;
    }

    /** Every container and init container, keyed by "Kind/name/container". */
    Map<String, Container> containers() {
        Map<String, Container> containers = new LinkedHashMap<>();
        podSpecs().forEach((workload, spec) -> {
            spec.getContainers().forEach(c -> containers.put(workload + "/" + c.getName(), c));
            spec.getInitContainers().forEach(c -> containers.put(workload + "/" + c.getName(), c));
        });
        return containers;
    }
}
