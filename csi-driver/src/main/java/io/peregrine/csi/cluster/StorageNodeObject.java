package io.peregrine.csi.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.peregrine.csi.volume.TargetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a {@code storagenodes.peregrine.io} object the controller reads, taken from a
 * generic resource (the operator module is not a dependency): the operator's README is the
 * contract. Unknown or malformed values become empty here and a reason in {@link #whyNot()}.
 *
 * @param name the object's name: the Kubernetes node, the CSI node id, the topology value
 * @param hostNqn {@code spec.hostNqn}, the node's kernel initiator NQN
 * @param managementEndpoint {@code status.managementEndpoint}, raw
 * @param listeners {@code status.nvmeTcpListeners} of trtype tcp
 * @param state {@code status.state}: Online, Offline, Unknown (operator)
 * @param ready the {@code Ready} condition, when the operator has written one
 */
public record StorageNodeObject(
        String name,
        Optional<String> hostNqn,
        Optional<String> managementEndpoint,
        List<TargetAddress> listeners,
        Optional<String> state,
        Optional<Ready> ready) {

    public static final String ONLINE = "Online";

    /** The Ready condition: "True", "False" or "Unknown", and why. */
    public record Ready(String status, String reason, String message) {}

    public static StorageNodeObject from(GenericKubernetesResource resource) {
        Map<String, Object> props = resource.getAdditionalProperties();
        Map<?, ?> spec = map(props.get("spec"));
        Map<?, ?> status = map(props.get("status"));
        List<TargetAddress> listeners = new ArrayList<>();
        for (Object o : list(status.get("nvmeTcpListeners"))) {
            Map<?, ?> l = map(o);
            String trtype = text(l.get("trtype")).orElse("tcp");
            Optional<String> traddr = text(l.get("traddr"));
            Optional<String> trsvcid = text(l.get("trsvcid"));
            if (!"tcp".equalsIgnoreCase(trtype) || traddr.isEmpty() || trsvcid.isEmpty()) continue;
            try {
                int port = Integer.parseInt(trsvcid.get());
                if (port < 1 || port > 65535) continue;
                listeners.add(TargetAddress.tcp(traddr.get(), port));
            } catch (IllegalArgumentException e) {
                // a listener we cannot use is no listener; whyNot() reports an empty list
            }
        }
        Optional<Ready> ready = Optional.empty();
        for (Object o : list(status.get("conditions"))) {
            Map<?, ?> c = map(o);
            if ("Ready".equals(c.get("type"))) {
                ready = Optional.of(new Ready(
                        text(c.get("status")).orElse("Unknown"),
                        text(c.get("reason")).orElse(""),
                        text(c.get("message")).orElse("")));
            }
        }
        return new StorageNodeObject(
                resource.getMetadata().getName(),
                text(spec.get("hostNqn")),
                text(status.get("managementEndpoint")),
                List.copyOf(listeners),
                text(status.get("state")),
                ready);
    }

    /**
     * Why new volumes must not go to this node and calls must not be routed to it; empty when
     * it is Online, Ready and says where its dataplane listens.
     */
    public Optional<String> whyNot() {
        if (!state.map(ONLINE::equals).orElse(false)) {
            return Optional.of("storage node " + name + " is " + state.orElse("not judged yet (no status.state)")
                    + ready.map(r -> " (" + r.reason() + ": " + r.message() + ")")
                            .orElse(""));
        }
        if (ready.isPresent() && !"True".equals(ready.get().status())) {
            return Optional.of("storage node " + name + " is Online but not Ready ("
                    + ready.get().reason() + ": " + ready.get().message() + ")");
        }
        if (managementEndpoint.isEmpty()) {
            return Optional.of("storage node " + name + " has no status.managementEndpoint yet; its node agent"
                    + " writes it once the dataplane answers");
        }
        try {
            ManagementEndpoint.parse(managementEndpoint.get());
        } catch (IllegalArgumentException e) {
            return Optional.of("storage node " + name + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The parsed endpoint; call only when {@link #whyNot()} is empty. */
    public ManagementEndpoint endpoint() {
        return ManagementEndpoint.parse(managementEndpoint.orElseThrow());
    }

    /**
     * Where consumers reach this node's NVMe/TCP target. A wildcard listener (0.0.0.0, ::) is
     * reached at the host of the management endpoint: the node's own address.
     */
    public List<TargetAddress> targets() {
        Optional<String> host = managementEndpoint.flatMap(text -> {
            try {
                return ManagementEndpoint.parse(text) instanceof ManagementEndpoint.Tcp tcp
                        ? Optional.of(tcp.host())
                        : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
        List<TargetAddress> out = new ArrayList<>();
        for (TargetAddress t : listeners) {
            if (isWildcard(t.traddr())) {
                host.ifPresent(h -> out.add(TargetAddress.tcp(h, Integer.parseInt(t.trsvcid()))));
            } else {
                out.add(t);
            }
        }
        return out.stream().distinct().toList();
    }

    private static boolean isWildcard(String addr) {
        return addr.equals("0.0.0.0") || addr.equals("::") || addr.equals("[::]");
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static Optional<String> text(Object o) {
        return o instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }
}
