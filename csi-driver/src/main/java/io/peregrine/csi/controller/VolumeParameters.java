package io.peregrine.csi.controller;

import io.peregrine.csi.volume.FsType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * StorageClass parameters of CreateVolume, validated. Recognised keys:
 *
 * <ul>
 *   <li>{@code thin}: true (default) allocates clusters on first write; false reserves them all
 *       at creation;
 *   <li>{@code fsType}: ext4 (default) or xfs, for mount volumes whose capability names none;
 *   <li>{@code pool}: place the volume only in pools of this name.
 * </ul>
 *
 * Keys under {@code csi.storage.k8s.io/} are what external-provisioner adds (the PVC's name and
 * namespace with --extra-create-metadata); they are recorded on the volume, not interpreted.
 * Any other key is an error: a typo must not silently give a thick volume a thin one.
 */
public record VolumeParameters(
        boolean thin, Optional<FsType> fsType, Optional<String> pool, Map<String, String> kubernetes) {

    static final String THIN = "thin";
    static final String FS_TYPE = "fsType";
    static final String POOL = "pool";
    static final String KUBERNETES_PREFIX = "csi.storage.k8s.io/";

    public VolumeParameters {
        kubernetes = Map.copyOf(kubernetes);
    }

    /** Parses; IllegalArgumentException with a precise message on a bad key or value. */
    public static VolumeParameters parse(Map<String, String> parameters) {
        boolean thin = true;
        Optional<FsType> fs = Optional.empty();
        Optional<String> pool = Optional.empty();
        Map<String, String> kubernetes = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case THIN ->
                    thin = switch (value.toLowerCase(Locale.ROOT)) {
                        case "true", "yes", "1" -> true;
                        case "false", "no", "0" -> false;
                        default ->
                            throw new IllegalArgumentException(
                                    "parameter thin must be true or false, got '" + value + "'");
                    };
                case FS_TYPE ->
                    fs = Optional.of(FsType.parse(value)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "parameter fsType must be ext4 or xfs, got '" + value + "'")));
                case POOL -> {
                    if (value.isBlank()) throw new IllegalArgumentException("parameter pool is empty");
                    pool = Optional.of(value);
                }
                default -> {
                    if (!p.getKey().startsWith(KUBERNETES_PREFIX)) {
                        throw new IllegalArgumentException(
                                "unknown parameter '" + p.getKey() + "' (supported: thin, fsType, pool)");
                    }
                    kubernetes.put(p.getKey(), value);
                }
            }
        }
        return new VolumeParameters(thin, fs, pool, kubernetes);
    }
}
