package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.GetVolumeRequest;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.PoolAndName;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a command names a volume, snapshot or clone: {@code POOL/NAME}, its UUID, or a bare
 * {@code NAME} when exactly one pool has a volume of that name.
 */
public sealed interface VolumeRef {
    Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    record ByUuid(String uuid) implements VolumeRef {}

    record ByPoolAndName(String pool, String name) implements VolumeRef {}

    record ByName(String name) implements VolumeRef {}

    static VolumeRef parse(String what, String text) throws UsageException {
        if (UUID.matcher(text).matches()) {
            return new ByUuid(text.toLowerCase(Locale.ROOT));
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            if (text.isEmpty()) {
                throw new UsageException(what + " is empty; name it as POOL/NAME (e.g. tank/pvc-1) or by its UUID");
            }
            return new ByName(text);
        }
        if (slash == 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new UsageException(what + " '" + text + "' is neither POOL/NAME (e.g. tank/pvc-1) nor a UUID"
                    + " (e.g. 2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21)");
        }
        return new ByPoolAndName(text.substring(0, slash), text.substring(slash + 1));
    }

    /** {@code POOL/NAME} as the tables show a volume. */
    static String display(Volume v) {
        return v.getPool() + "/" + v.getName();
    }

    /**
     * Looks the volume up.
     *
     * @throws CommandFailedException when there is none, or a bare name is used in several pools
     */
    static Volume resolve(DaemonClient daemon, String what, String text) throws UsageException {
        return switch (parse(what, text)) {
            case ByUuid u ->
                daemon.getVolume(GetVolumeRequest.newBuilder().setUuid(u.uuid()).build());
            case ByPoolAndName pn ->
                daemon.getVolume(GetVolumeRequest.newBuilder()
                        .setPoolAndName(
                                PoolAndName.newBuilder().setPool(pn.pool()).setName(pn.name()))
                        .build());
            case ByName n -> {
                List<Volume> matches = daemon.listAllVolumes(ListVolumesRequest.getDefaultInstance()).stream()
                        .filter(v -> v.getName().equals(n.name()))
                        .toList();
                if (matches.isEmpty()) {
                    throw new CommandFailedException(
                            ExitStatus.FAILED,
                            "not found: no pool has a volume named '" + n.name()
                                    + "' (./peregrine volume list shows them all)",
                            io.grpc.Status.Code.NOT_FOUND,
                            null);
                }
                if (matches.size() > 1) {
                    throw new UsageException("'" + n.name() + "' names a volume in each of the pools "
                            + String.join(
                                    ", ", matches.stream().map(Volume::getPool).toList())
                            + "; say which, e.g. " + display(matches.getFirst()));
                }
                yield matches.getFirst();
            }
        };
    }
}
