package io.peregrine.csi.volume;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What ControllerPublishVolume tells the node (through the CO) so that NodeStageVolume can
 * attach the volume: the subsystem NQN, every target address it is reachable at, and the
 * namespace's identifiers. The node finds its block device by NGUID or namespace UUID in
 * sysfs -- never by guessing /dev/nvmeXnY, whose numbering depends on connect order.
 */
public record PublishContext(
        String subsystemNqn, List<TargetAddress> targets, String nguid, Optional<UUID> namespaceUuid) {

    public static final String NQN = "nqn";
    public static final String TARGETS = "targets";
    public static final String NGUID = "nguid";
    public static final String NAMESPACE_UUID = "namespaceUuid";

    private static final Pattern NQN_FORMAT = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^\\s]{1,200}");
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    public PublishContext {
        targets = List.copyOf(targets);
        nguid = nguid == null ? "" : nguid.toLowerCase(java.util.Locale.ROOT).replace("-", "");
        if (!NQN_FORMAT.matcher(subsystemNqn).matches()) {
            throw new IllegalArgumentException("publish context: not an NQN: '" + subsystemNqn + "'");
        }
        if (targets.isEmpty()) throw new IllegalArgumentException("publish context: no target address");
        if (!nguid.isEmpty() && (!HEX32.matcher(nguid).matches() || isZero(nguid))) {
            throw new IllegalArgumentException(
                    "publish context: NGUID must be 32 hex digits, not all zero: '" + nguid + "'");
        }
        if (nguid.isEmpty() && namespaceUuid.isEmpty()) {
            throw new IllegalArgumentException("publish context: neither NGUID nor namespace UUID given; "
                    + "the node cannot identify the namespace");
        }
    }

    /** Parses what {@link #toMap()} wrote; INVALID_ARGUMENT-worthy messages on anything else. */
    public static PublishContext fromMap(Map<String, String> context) {
        String nqn = context.getOrDefault(NQN, "");
        if (nqn.isEmpty()) {
            throw new IllegalArgumentException("publish_context has no '" + NQN
                    + "': was the volume published with ControllerPublishVolume by this driver?");
        }
        String targets = context.getOrDefault(TARGETS, "");
        if (targets.isBlank()) throw new IllegalArgumentException("publish_context has no '" + TARGETS + "'");
        List<TargetAddress> addresses =
                Arrays.stream(targets.split(",")).map(TargetAddress::parse).toList();
        String uuid = context.getOrDefault(NAMESPACE_UUID, "");
        Optional<UUID> namespaceUuid;
        try {
            namespaceUuid = uuid.isEmpty() ? Optional.empty() : Optional.of(UUID.fromString(uuid));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publish_context: bad namespace UUID '" + uuid + "'", e);
        }
        return new PublishContext(nqn, addresses, context.getOrDefault(NGUID, ""), namespaceUuid);
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(NQN, subsystemNqn);
        map.put(
                TARGETS,
                String.join(",", targets.stream().map(TargetAddress::toUri).toList()));
        if (!nguid.isEmpty()) map.put(NGUID, nguid);
        namespaceUuid.ifPresent(u -> map.put(NAMESPACE_UUID, u.toString()));
        return map;
    }

    /** NGUID as 16 bytes, for comparison with what sysfs shows. */
    public Optional<byte[]> nguidBytes() {
        return nguid.isEmpty() ? Optional.empty() : Optional.of(HexFormat.of().parseHex(nguid));
    }

    private static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }
}
