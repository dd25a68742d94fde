package io.peregrine.e2e.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user does on the first day, on a real (kind) cluster: install the chart, give every
 * node a file-backed DiskPool, and for ext4, xfs and raw block volumes write data from one pod
 * and read it back from another; snapshot a volume and restore it to a new claim; grow a mounted
 * volume; read the dataplanes' and the operator's metrics; helm upgrade (the certificates stay)
 * and restart every Peregrine pod, and read a volume again; delete everything and see the pools
 * empty again. One cluster for the whole scenario (creating one costs about a minute).
 */
@Tag("kind")
@ExtendWith(KindPrerequisites.class)
class KindEndToEndTest {

    private static final String NAMESPACE = "peregrine-system";
    private static final String APP_NAMESPACE = "default";
    /** busybox: dd, sha256sum, df, sleep; the cluster pulls it. */
    private static final String TOOLS_IMAGE = System.getenv().getOrDefault("PEREGRINE_E2E_TOOLS_IMAGE", "busybox:1.37");

    private static final String SNAPSHOTTER =
            "https://raw.githubusercontent.com/kubernetes-csi/external-snapshotter/v8.6.0/";
    private static final Duration POD_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void volumeLifeCycle() throws Exception {
        String name =
                "peregrine-e2e-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        try (KindCluster cluster = KindCluster.create(name)) {
            KubernetesClient k8s = cluster.client();
            cluster.loadImageArchive(KindPrerequisites.imageArchive());
            installSnapshotApi(cluster);

            List<String> workers = k8s.nodes().list().getItems().stream()
                    .map(Node::getMetadata)
                    .filter(m -> !m.getLabels().containsKey("node-role.kubernetes.io/control-plane"))
                    .map(m -> m.getName())
                    .sorted()
                    .toList();
            assertEquals(2, workers.size(), workers::toString);
            for (String worker : workers) {
                cluster.kubectl("label", "node", worker, "peregrine.io/storage-node=true");
            }
            install(cluster, workers);
            awaitPoolsOnline(k8s, workers);

            // ext4, xfs and block: write from one pod, read back from a new pod
            String ext4 = roundTrip(k8s, "vol-ext4", "peregrine", false);
            roundTrip(k8s, "vol-xfs", "peregrine-xfs", false);
            roundTrip(k8s, "vol-block", "peregrine", true);

            // snapshot ext4, restore it to a new claim, and read the same bytes there
            snapshots(k8s)
                    .inNamespace(APP_NAMESPACE)
                    .resource(snapshot("snap-ext4", "vol-ext4"))
                    .create();
            await("VolumeSnapshot snap-ext4 ready", Duration.ofMinutes(3), () -> {
                GenericKubernetesResource s = snapshots(k8s)
                        .inNamespace(APP_NAMESPACE)
                        .withName("snap-ext4")
                        .get();
                Object status = s == null ? null : s.getAdditionalProperties().get("status");
                return status instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("readyToUse"));
            });
            k8s.persistentVolumeClaims()
                    .inNamespace(APP_NAMESPACE)
                    .resource(claim("vol-restored", "peregrine", "1Gi", false, "snap-ext4"))
                    .create();
            String restored = runToCompletion(
                    k8s, "read-restored", "vol-restored", false, "sha256sum /data/blob | cut -d' ' -f1");
            assertEquals(ext4, restored, "the restored volume holds the snapshot's bytes");

            // expand online: a pod keeps the volume mounted while the claim grows
            k8s.persistentVolumeClaims()
                    .inNamespace(APP_NAMESPACE)
                    .resource(claim("vol-grow", "peregrine", "1Gi", false, null))
                    .create();
            k8s.pods()
                    .inNamespace(APP_NAMESPACE)
                    .resource(pod("holder", "vol-grow", false, "sleep 3600"))
                    .create();
            k8s.pods()
                    .inNamespace(APP_NAMESPACE)
                    .withName("holder")
                    .waitUntilReady(POD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            k8s.persistentVolumeClaims()
                    .inNamespace(APP_NAMESPACE)
                    .withName("vol-grow")
                    .edit(c -> {
                        c.getSpec().getResources().getRequests().put("storage", new Quantity("2Gi"));
                        return c;
                    });
            await("vol-grow at 2Gi in the pod", Duration.ofMinutes(3), () -> {
                String df = cluster.kubectl("exec", "-n", APP_NAMESPACE, "holder", "--", "df", "-k", "/data");
                long kib = Long.parseLong(
                        df.lines().skip(1).findFirst().orElseThrow().trim().split("\\s+")[1]);
                return kib > 1_800_000; // ext4 keeps some of the 2 GiB for itself
            });

            // metrics: every dataplane and the operator answer /metrics with Peregrine's series
            for (Pod dataplane : k8s.pods()
                    .inNamespace(NAMESPACE)
                    .withLabel("app.kubernetes.io/component", "dataplane")
                    .list()
                    .getItems()) {
                String metrics = k8s.raw("/api/v1/namespaces/" + NAMESPACE + "/pods/"
                        + dataplane.getMetadata().getName() + ":9464/proxy/metrics");
                assertTrue(metrics.contains("peregrine_pool_capacity_bytes"), () -> "dataplane metrics:\n" + metrics);
                assertTrue(metrics.contains("peregrine_reactor_busy_seconds"), () -> "dataplane metrics:\n" + metrics);
            }
            Pod operator = k8s.pods()
                    .inNamespace(NAMESPACE)
                    .withLabel("app.kubernetes.io/component", "operator")
                    .list()
                    .getItems()
                    .getFirst();
            String operatorMetrics = k8s.raw("/api/v1/namespaces/" + NAMESPACE + "/pods/"
                    + operator.getMetadata().getName() + ":8080/proxy/metrics");
            assertTrue(operatorMetrics.contains("peregrine_operator_disk_pools"), operatorMetrics);

            // helm upgrade keeps the generated certificates (the chart looks them up), and the
            // volumes stay readable after every Peregrine pod restarted
            String serverCert = k8s.secrets()
                    .inNamespace(NAMESPACE)
                    .withName("peregrine-dataplane-tls")
                    .get()
                    .getData()
                    .get("tls.crt");
            new Helm(KindPrerequisites.root().resolve("helm/peregrine"))
                    .upgrade()
                    .withName("peregrine")
                    .withNamespace(NAMESPACE)
                    .withKubeConfig(cluster.kubeconfig())
                    .reuseValues()
                    .set("controller.replicas", 2)
                    .waitReady()
                    .withTimeout(600)
                    .call();
            assertEquals(
                    serverCert,
                    k8s.secrets()
                            .inNamespace(NAMESPACE)
                            .withName("peregrine-dataplane-tls")
                            .get()
                            .getData()
                            .get("tls.crt"),
                    "helm upgrade minted new certificates");
            cluster.kubectl(
                    "-n",
                    NAMESPACE,
                    "rollout",
                    "restart",
                    "daemonset/peregrine-dataplane",
                    "daemonset/peregrine-node",
                    "deployment/peregrine-controller",
                    "deployment/peregrine-operator");
            cluster.kubectl("-n", NAMESPACE, "rollout", "status", "daemonset/peregrine-dataplane", "--timeout=5m");
            cluster.kubectl("-n", NAMESPACE, "rollout", "status", "deployment/peregrine-controller", "--timeout=5m");
            awaitPoolsOnline(k8s, workers);
            assertEquals(
                    ext4,
                    runToCompletion(
                            k8s, "read-after-upgrade", "vol-ext4", false, "sha256sum /data/blob | cut -d' ' -f1"),
                    "vol-ext4 after upgrade and restarts");

            // delete: pods, snapshot, claims; the volumes leave the pools
            k8s.pods().inNamespace(APP_NAMESPACE).withName("holder").delete();
            snapshots(k8s).inNamespace(APP_NAMESPACE).withName("snap-ext4").delete();
            k8s.persistentVolumeClaims().inNamespace(APP_NAMESPACE).delete();
            await(
                    "every Peregrine PV deleted",
                    Duration.ofMinutes(4),
                    () -> k8s.persistentVolumes().list().getItems().stream()
                            .noneMatch(pv -> pv.getSpec().getCsi() != null
                                    && "csi.peregrine.io"
                                            .equals(pv.getSpec().getCsi().getDriver())));
            await(
                    "pools empty",
                    Duration.ofMinutes(3),
                    () -> diskPools(k8s).list().getItems().stream()
                            .allMatch(p -> Objects.equals(0, status(p).get("volumeCount"))));
        }
    }

    private static void installSnapshotApi(KindCluster cluster) {
        for (String file : List.of(
                "client/config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
                "client/config/crd/snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
                "client/config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml",
                "deploy/kubernetes/snapshot-controller/rbac-snapshot-controller.yaml",
                "deploy/kubernetes/snapshot-controller/setup-snapshot-controller.yaml")) {
            cluster.kubectl("apply", "-f", SNAPSHOTTER + file);
        }
    }

    private static void install(KindCluster cluster, List<String> workers) {
        var install = new Helm(KindPrerequisites.root().resolve("helm/peregrine"))
                .install()
                .withName("peregrine")
                .withNamespace(NAMESPACE)
                .createNamespace()
                .withKubeConfig(cluster.kubeconfig())
                .set("image.pullPolicy", "Never")
                // file:// pools: no VFIO, no hugepages
                .set("dataplane.privileged", false)
                .set("dataplane.hugepagesMi", 0)
                .set("dataplane.memory", "768Mi")
                .set("controller.replicas", 1)
                .set("operator.replicas", 1)
                // volumeSnapshotClass.create=auto: the snapshot API is installed, so the class is made
                .waitReady()
                .withTimeout(600);
        for (int i = 0; i < workers.size(); i++) {
            install.set("dataplane.pools[" + i + "].name", "pool-" + i)
                    .set("dataplane.pools[" + i + "].node", workers.get(i))
                    .set("dataplane.pools[" + i + "].disk", "file:///var/lib/peregrine/pool.img?size=4G");
        }
        install.call();
    }

    private static void awaitPoolsOnline(KubernetesClient k8s, List<String> workers) throws InterruptedException {
        await("a DiskPool Online on every worker", Duration.ofMinutes(4), () -> {
            List<GenericKubernetesResource> pools = diskPools(k8s).list().getItems();
            return pools.size() == workers.size()
                    && pools.stream().allMatch(p -> "Online".equals(status(p).get("phase")));
        });
    }

    /** Writes 64 MiB of random bytes in one pod, reads them in another; returns their SHA-256. */
    private static String roundTrip(KubernetesClient k8s, String claim, String storageClass, boolean block)
            throws InterruptedException {
        k8s.persistentVolumeClaims()
                .inNamespace(APP_NAMESPACE)
                .resource(claim(claim, storageClass, "1Gi", block, null))
                .create();
        String write = block
                ? "dd if=/dev/urandom of=/tmp/blob bs=1M count=64 2>/dev/null && dd if=/tmp/blob of=/dev/xvda bs=1M conv=fsync 2>/dev/null"
                        + " && sha256sum /tmp/blob | cut -d' ' -f1"
                : "dd if=/dev/urandom of=/data/blob bs=1M count=64 conv=fsync 2>/dev/null && sync"
                        + " && sha256sum /data/blob | cut -d' ' -f1";
        String read = block
                ? "dd if=/dev/xvda bs=1M count=64 2>/dev/null | sha256sum | cut -d' ' -f1"
                : "sha256sum /data/blob | cut -d' ' -f1";
        String written = runToCompletion(k8s, "write-" + claim, claim, block, write);
        String readBack = runToCompletion(k8s, "read-" + claim, claim, block, read);
        assertEquals(written, readBack, claim + ": a new pod reads what the first one wrote");
        return written;
    }

    /** Runs the script in a pod on the claim, waits for it to succeed, deletes it; returns its last log line. */
    private static String runToCompletion(
            KubernetesClient k8s, String podName, String claim, boolean block, String script)
            throws InterruptedException {
        Resource<Pod> pod = k8s.pods().inNamespace(APP_NAMESPACE).resource(pod(podName, claim, block, script));
        pod.create();
        Pod done = k8s.pods()
                .inNamespace(APP_NAMESPACE)
                .withName(podName)
                .waitUntilCondition(
                        p -> p != null
                                && List.of("Succeeded", "Failed")
                                        .contains(p.getStatus().getPhase()),
                        POD_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
        String log = k8s.pods().inNamespace(APP_NAMESPACE).withName(podName).getLog();
        assertEquals("Succeeded", done.getStatus().getPhase(), () -> podName + " failed:\n" + log);
        k8s.pods()
                .inNamespace(APP_NAMESPACE)
                .withName(podName)
                .withGracePeriod(0)
                .delete();
        k8s.pods()
                .inNamespace(APP_NAMESPACE)
                .withName(podName)
                .waitUntilCondition(Objects::isNull, 2, TimeUnit.MINUTES);
        String hash = log.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(hash.matches("[0-9a-f]{64}"), () -> podName + " printed no SHA-256:\n" + log);
        return hash.toLowerCase(Locale.ROOT);
    }

    private static Pod pod(String name, String claim, boolean block, String script) {
        var builder = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("tools")
                .withImage(TOOLS_IMAGE)
                .withCommand("sh", "-c", script);
        builder = block
                ? builder.addNewVolumeDevice()
                        .withName("vol")
                        .withDevicePath("/dev/xvda")
                        .endVolumeDevice()
                : builder.addNewVolumeMount()
                        .withName("vol")
                        .withMountPath("/data")
                        .endVolumeMount();
        return builder.endContainer()
                .addNewVolume()
                .withName("vol")
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build();
    }

    private static PersistentVolumeClaim claim(
            String name, String storageClass, String size, boolean block, String fromSnapshot) {
        var spec = new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(storageClass)
                .withAccessModes("ReadWriteOnce")
                .withVolumeMode(block ? "Block" : "Filesystem")
                .withNewResources()
                .addToRequests("storage", new Quantity(size))
                .endResources();
        if (fromSnapshot != null) {
            spec = spec.withNewDataSource()
                    .withApiGroup("snapshot.storage.k8s.io")
                    .withKind("VolumeSnapshot")
                    .withName(fromSnapshot)
                    .endDataSource();
        }
        return spec.endSpec().build();
    }

    private static GenericKubernetesResource snapshot(String name, String claim) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("snapshot.storage.k8s.io/v1")
                .withKind("VolumeSnapshot")
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToAdditionalProperties(
                        "spec",
                        Map.of(
                                "volumeSnapshotClassName",
                                "peregrine",
                                "source",
                                Map.of("persistentVolumeClaimName", claim)))
                .build();
    }

    private static MixedOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            snapshots(KubernetesClient k8s) {
        return k8s.genericKubernetesResources("snapshot.storage.k8s.io/v1", "VolumeSnapshot");
    }

    private static MixedOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            diskPools(KubernetesClient k8s) {
        return k8s.genericKubernetesResources("peregrine.io/v1alpha1", "DiskPool");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource r) {
        Object status = r.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration limit, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e; // the API or kubectl may fail while things start; the deadline decides
            }
            Thread.sleep(2_000);
        }
        throw new AssertionError(
                "not within " + limit + ": " + what + (last == null ? "" : " (last error: " + last + ")"));
    }
}
