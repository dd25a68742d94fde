package io.peregrine.operator.reconcile;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.peregrine.operator.crd.Crds;
import io.peregrine.operator.observe.OperatorMetrics;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes core/v1 Events so that {@code kubectl describe} and {@code kubectl get events} tell the
 * story of an object: one Event per transition, never one per reconcile. Best effort: the
 * status already holds the truth, so a failed write is counted and logged, not retried.
 */
public final class EventRecorder {

    private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());

    /** Where Events about cluster-scoped objects go, as client-go's recorder does. */
    static final String CLUSTER_SCOPED_NAMESPACE = "default";

    public enum Type {
        Normal,
        Warning
    }

    private final KubernetesClient client;
    private final String instance;
    private final Clock clock;
    private final OperatorMetrics metrics;
    private final AtomicLong lastNanos = new AtomicLong();

    /** @param instance this replica's identity, recorded as the reporting instance */
    public EventRecorder(KubernetesClient client, String instance, Clock clock, OperatorMetrics metrics) {
        this.client = client;
        this.instance = instance;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void record(HasMetadata object, Type type, String reason, String message) {
        Instant now = clock.instant();
        String namespace = object.getMetadata().getNamespace() == null
                ? CLUSTER_SCOPED_NAMESPACE
                : object.getMetadata().getNamespace();
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(eventName(object.getMetadata().getName(), now))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(object.getApiVersion())
                        .withKind(object.getKind())
                        .withName(object.getMetadata().getName())
                        .withNamespace(object.getMetadata().getNamespace())
                        .withUid(object.getMetadata().getUid())
                        .withResourceVersion(object.getMetadata().getResourceVersion())
                        .build())
                .withType(type.name())
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(Crds.COMPONENT)
                .endSource()
                .withReportingComponent(Crds.COMPONENT)
                .withReportingInstance(instance)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            metrics.eventWriteFailed();
            LOG.log(
                    Level.WARNING,
                    "could not write Event {0} for {1} {2}: {3}",
                    reason,
                    object.getKind(),
                    object.getMetadata().getName(),
                    e.getMessage());
        }
    }

    // As client-go names them, <object>.<unix nanos in hex>, kept unique within this process.
    private String eventName(String objectName, Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long unique = lastNanos.accumulateAndGet(nanos, (last, n) -> n > last ? n : last + 1);
        String prefix = objectName.length() > 200 ? objectName.substring(0, 200) : objectName;
        return prefix + "." + Long.toHexString(unique);
    }
}
