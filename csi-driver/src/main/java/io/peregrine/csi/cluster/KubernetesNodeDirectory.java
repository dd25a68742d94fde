package io.peregrine.csi.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.peregrine.csi.controller.NodeDirectory;
import io.peregrine.csi.controller.StorageNode;
import io.peregrine.csi.identity.Readiness;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.volume.TargetAddress;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Cluster mode: storage nodes are the operator's {@code storagenodes.peregrine.io} objects, kept
 * in an informer's cache (one list, then a watch: no API call per CSI call). A node is a
 * candidate for new volumes and a destination for calls only while it is {@code Online},
 * {@code Ready} and advertises its management endpoint; otherwise {@link #whyUnavailable} says
 * why, with its name. Consumers' host NQNs come from {@code spec.hostNqn}, whatever the
 * node's state (attaching goes through the kernel, not the consumer's dataplane).
 */
public final class KubernetesNodeDirectory implements NodeDirectory, AutoCloseable {

    private static final Logger LOG = System.getLogger(KubernetesNodeDirectory.class.getName());

    public static final ResourceDefinitionContext STORAGE_NODES = new ResourceDefinitionContext.Builder()
            .withGroup("peregrine.io")
            .withVersion("v1alpha1")
            .withKind("StorageNode")
            .withPlural("storagenodes")
            .withNamespaced(false)
            .build();

    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final ChannelCache channels;

    private KubernetesNodeDirectory(SharedIndexInformer<GenericKubernetesResource> informer, ChannelCache channels) {
        this.informer = informer;
        this.channels = channels;
    }

    /**
     * Lists and starts watching StorageNode objects, returning once the cache holds them.
     *
     * @throws IllegalStateException saying what to fix when they cannot be listed (CRD not
     *     installed, RBAC, API server unreachable) or did not arrive within {@code syncTimeout}
     */
    public static KubernetesNodeDirectory start(KubernetesClient client, ChannelCache channels, Duration syncTimeout) {
        SharedIndexInformer<GenericKubernetesResource> informer =
                client.genericKubernetesResources(STORAGE_NODES).runnableInformer(0);
        KubernetesNodeDirectory directory = new KubernetesNodeDirectory(informer, channels);
        informer.addEventHandler(directory.new Changes());
        try {
            informer.start().toCompletableFuture().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            informer.stop();
            throw new IllegalStateException(whyNoList(e.getCause(), client.getMasterUrl()), e.getCause());
        } catch (TimeoutException e) {
            informer.stop();
            throw new IllegalStateException("StorageNode objects did not arrive from the API server at "
                    + client.getMasterUrl() + " within " + syncTimeout.toSeconds() + " s; is it reachable?");
        } catch (InterruptedException e) {
            informer.stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing StorageNode objects", e);
        }
        LOG.log(
                Level.INFO,
                "watching StorageNode objects: {0} known, {1} usable",
                informer.getStore().list().size(),
                directory.storageNodes().size());
        return directory;
    }

    private static String whyNoList(Throwable cause, java.net.URL apiServer) {
        if (cause instanceof KubernetesClientException k) {
            if (k.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return "the API server does not know storagenodes.peregrine.io: install Peregrine's CRDs (the Helm"
                        + " chart does) before the controller";
            }
            if (k.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
                return "the controller may not read storagenodes.peregrine.io: grant its service account get, list"
                        + " and watch on them (" + k.getMessage() + ")";
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return "cannot list StorageNode objects from the API server at " + apiServer + " (" + root + "); the"
                + " controller uses the in-cluster configuration, or the kubeconfig outside a cluster";
    }

    @Override
    public List<StorageNode> storageNodes() {
        return objects().stream()
                .filter(o -> o.whyNot().isEmpty())
                .map(this::usable)
                .flatMap(Optional::stream)
                .toList();
    }

    @Override
    public Optional<StorageNode> storageNode(String name) {
        return object(name).filter(o -> o.whyNot().isEmpty()).flatMap(this::usable);
    }

    @Override
    public Optional<String> whyUnavailable(String name) {
        Optional<StorageNodeObject> object = object(name);
        if (object.isEmpty()) {
            return Optional.of("there is no StorageNode " + name + "; the Peregrine node agent on that node"
                    + " creates it (kubectl get storagenodes)");
        }
        Optional<String> why = object.get().whyNot();
        if (why.isPresent()) return why;
        if (usable(object.get()).isEmpty()) {
            return Optional.of("storage node " + name + ": no channel to its dataplane at "
                    + object.get().managementEndpoint().orElse("?") + " (see the controller log)");
        }
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION when the node's StorageNode has
     *     no {@code spec.hostNqn}
     */
    @Override
    public Optional<String> hostNqnOf(String nodeId) {
        Optional<StorageNodeObject> object = object(nodeId);
        if (object.isEmpty()) return Optional.empty();
        return Optional.of(object.get()
                .hostNqn()
                .orElseThrow(() -> CsiErrors.failedPrecondition("StorageNode "
                        + nodeId + " has no spec.hostNqn; its node agent writes the node's initiator NQN there from"
                        + " /etc/nvme/hostnqn once it runs")));
    }

    @Override
    public Optional<String> nodeIdOf(String hostNqn) {
        return objects().stream()
                .filter(o -> o.hostNqn().map(hostNqn::equals).orElse(false))
                .map(StorageNodeObject::name)
                .findFirst();
    }

    private List<StorageNodeObject> objects() {
        return informer.getStore().list().stream()
                .map(StorageNodeObject::from)
                .sorted(Comparator.comparing(StorageNodeObject::name))
                .toList();
    }

    private Optional<StorageNodeObject> object(String name) {
        if (name == null || name.isEmpty()) return Optional.empty();
        return Optional.ofNullable(informer.getStore().getByKey(name)).map(StorageNodeObject::from);
    }

    private Optional<StorageNode> usable(StorageNodeObject object) {
        try {
            var client = channels.client(object.name(), object.endpoint());
            List<TargetAddress> targets = object.targets();
            return Optional.of(StorageNode.withTargets(object.name(), client, targets));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "storage node {0}: {1}", object.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Logs what changes for the controller; closes channels of nodes that are gone. */
    private final class Changes implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource resource) {
            StorageNodeObject o = StorageNodeObject.from(resource);
            LOG.log(Level.INFO, "storage node {0}: {1}", o.name(), describe(o));
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            StorageNodeObject was = StorageNodeObject.from(before);
            StorageNodeObject now = StorageNodeObject.from(after);
            if (!describe(was).equals(describe(now))) {
                LOG.log(Level.INFO, "storage node {0}: {1}", now.name(), describe(now));
            }
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean deletedFinalStateUnknown) {
            String name = resource.getMetadata().getName();
            channels.forget(name);
            LOG.log(Level.INFO, "storage node {0}: StorageNode deleted, no longer used", name);
        }

        private static String describe(StorageNodeObject o) {
            return o.whyNot()
                    .orElse("usable, dataplane at " + o.managementEndpoint().orElse("?") + ", targets "
                            + o.targets().stream().map(TargetAddress::toUri).toList()
                            + ", host NQN " + Objects.toString(o.hostNqn().orElse(null)));
        }
    }

    /**
     * The controller's Probe in a cluster: whether the StorageNode cache is being kept current.
     * One node's dataplane being down is that node's condition (it stops being a candidate), not
     * the controller's: restarting the controller would not bring it back.
     */
    public Readiness readiness() {
        if (!informer.isRunning()) {
            return new Readiness.Unhealthy("the watch on StorageNode objects has stopped; the controller no longer"
                    + " sees node changes and needs a restart");
        }
        if (!informer.isWatching()) {
            return new Readiness.Starting("re-establishing the watch on StorageNode objects");
        }
        return new Readiness.Ready();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
