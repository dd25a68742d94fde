package io.peregrine.csi.volume;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a CSI {@code volume_id} or {@code snapshot_id} encodes: the storage node whose dataplane
 * holds the object and the object's UUID there, written {@code <node>/<uuid>}. The controller
 * routes every call by the node part, so a DeleteVolume needs no search across nodes; the
 * UUID is the dataplane's own (and names the volume's NQN, {@code nqn.2026-11.io.peregrine:vol:<uuid>}).
 * At most 128 bytes in all, the spec's string limit.
 */
public record VolumeHandle(String node, UUID uuid) {

    /** A Kubernetes node name or a host name: what NodeGetInfo returns as node_id. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,89}[A-Za-z0-9])?");

    public VolumeHandle {
        if (!NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("not a node name usable in a volume id: '" + node
                    + "' (1-91 characters of [A-Za-z0-9._-], alphanumeric at both ends)");
        }
    }

    public static boolean isValidNodeName(String node) {
        return node != null && NODE.matcher(node).matches();
    }

    /** The handle a well-formed id names, or empty for anything this plugin never issued. */
    public static Optional<VolumeHandle> tryParse(String id) {
        if (id == null) return Optional.empty();
        int slash = id.lastIndexOf('/');
        if (slash <= 0 || slash == id.length() - 1) return Optional.empty();
        String node = id.substring(0, slash);
        String uuid = id.substring(slash + 1);
        if (uuid.length() != 36 || !NODE.matcher(node).matches()) return Optional.empty();
        try {
            UUID parsed = UUID.fromString(uuid);
            // only canonical lower-case ids round-trip; anything else was not issued by us
            return parsed.toString().equals(uuid) ? Optional.of(new VolumeHandle(node, parsed)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The subsystem NQN the dataplane exports this volume under. */
    public String subsystemNqn() {
        return io.peregrine.csi.CsiDriver.VOLUME_NQN_PREFIX + uuid;
    }

    @Override
    public String toString() {
        return node + "/" + uuid;
    }
}
