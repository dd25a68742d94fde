package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules every rendering must keep, with the default values and with values that switch every
 * option on: each container has resources, probes and a security context; privilege only where
 * the chart says why; RBAC without wildcards.
 */
class WorkloadPolicyTest {

    /** The only containers allowed to be privileged, and why (the templates say it at length). */
    private static final Set<String> PRIVILEGED = Set.of(
            "DaemonSet/peregrine-node/csi-plugin", // Bidirectional propagation, /dev/nvme-fabrics
            "DaemonSet/peregrine-dataplane/dataplane"); // /dev/vfio/<group> of any IOMMU group

    static Stream<Arguments> renderings() {
        return Stream.of(
                Arguments.of("defaults", RenderedChart.render(Map.of())),
                Arguments.of("everything on", RenderedChart.render(NonDefaultValues.EVERYTHING_ON)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyContainerHasResourcesProbesAndASecurityContext(String name, RenderedChart chart) {
        Map<String, Container> containers = chart.containers();
        assertTrue(containers.size() >= 11, () -> "only " + containers.keySet());
        List<String> problems = new ArrayList<>();
        containers.forEach((id, c) -> {
            var resources = c.getResources();
            if (resources == null
                    || resources.getRequests() == null
                    || !resources.getRequests().containsKey("cpu")
                    || !resources.getRequests().containsKey("memory")) {
                problems.add(id + ": no cpu and memory requests");
            }
            if (resources == null
                    || resources.getLimits() == null
                    || !resources.getLimits().containsKey("memory")) {
                problems.add(id + ": no memory limit");
            }
            if (c.getLivenessProbe() == null) {
                problems.add(id + ": no liveness probe");
            }
            if (c.getReadinessProbe() == null) {
                problems.add(id + ": no readiness probe");
            }
            SecurityContext sc = c.getSecurityContext();
            if (sc == null) {
                problems.add(id + ": no securityContext");
                return;
            }
            if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                problems.add(id + ": root filesystem writable");
            }
            boolean privileged = Boolean.TRUE.equals(sc.getPrivileged());
            if (privileged && !PRIVILEGED.contains(id)) {
                problems.add(id + ": privileged without a reason in PRIVILEGED");
            }
            if (!privileged) {
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    problems.add(id + ": allowPrivilegeEscalation not false");
                }
                if (sc.getCapabilities() == null
                        || !sc.getCapabilities().getDrop().contains("ALL")) {
                    problems.add(id + ": capabilities not dropped");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void rbacNamesEveryVerbAndResource(String name, RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        List<HasMetadata> roles = new ArrayList<>();
        roles.addAll(chart.all(ClusterRole.class));
        roles.addAll(chart.all(Role.class));
        assertTrue(roles.size() >= 6, () -> "roles: " + roles.size());
        for (HasMetadata role : roles) {
            List<PolicyRule> rules = role instanceof ClusterRole cr ? cr.getRules() : ((Role) role).getRules();
            if (role instanceof ClusterRole cr && cr.getAggregationRule() != null) {
                problems.add(role.getMetadata().getName() + ": aggregation");
            }
            for (PolicyRule rule : rules) {
                String id = role.getKind() + "/" + role.getMetadata().getName() + " " + rule.getResources();
                for (List<String> field : List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs())) {
                    if (field.stream().anyMatch(v -> v.contains("*"))) {
                        problems.add(id + ": wildcard in " + field);
                    }
                }
                if (rule.getResources().isEmpty() || rule.getVerbs().isEmpty()) {
                    problems.add(id + ": empty resources or verbs");
                }
                if (!rule.getNonResourceURLs().isEmpty()) {
                    problems.add(id + ": non-resource URLs");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void nodePluginMountsWhatAttachingNeeds(String name, RenderedChart chart) {
        PodSpec node = chart.podSpecs().get("DaemonSet/peregrine-node");
        assertNotNull(node);
        assertTrue(node.getHostNetwork(), "NVMe/TCP connections must live in the host's network namespace");
        Container plugin = chart.containers().get("DaemonSet/peregrine-node/csi-plugin");
        VolumeMount kubelet = plugin.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("kubelet-dir"))
                .findFirst()
                .orElseThrow();
        assertEquals("Bidirectional", kubelet.getMountPropagation());
        assertTrue(
                plugin.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/dev")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void dataplaneGetsGuaranteedCpuHugepagesAndTime(String name, RenderedChart chart) {
        PodSpec dataplane = chart.podSpecs().get("DaemonSet/peregrine-dataplane");
        assertTrue(dataplane.getTerminationGracePeriodSeconds() >= 30);
        assertFalse(dataplane.getNodeSelector().isEmpty(), "dataplanes only on storage nodes");
        Container c = chart.containers().get("DaemonSet/peregrine-dataplane/dataplane");
        Map<String, Quantity> requests = c.getResources().getRequests();
        assertEquals(requests, c.getResources().getLimits(), "Guaranteed QoS: requests equal limits");
        assertTrue(requests.containsKey("hugepages-2Mi"), requests::toString);
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/dev/vfio")));
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/dev/hugepages")));
        assertNotNull(c.getStartupProbe());
    }
}
