package io.peregrine.csi.guest;

import io.peregrine.csi.volume.PublishContext;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The NVMe/TCP target the node plugin attaches volumes from in a guest test. Today the guest
 * kernel's own nvmet ({@link KernelNvmetTarget}); once Peregrine's target lands, an
 * implementation that drives the dataplane on the host (reached from the guest as 10.0.2.2)
 * replaces it without touching the scenarios.
 */
interface VolumeTarget {

    /** Exports volume {@code volume} of {@code sizeBytes} to host {@code hostNqn}; what ControllerPublish would return. */
    PublishContext export(UUID volume, long sizeBytes, String hostNqn);

    /** Grows the volume; connected hosts are told (Namespace Attribute Changed). */
    void grow(UUID volume, long sizeBytes);

    /** The target goes away: every connection drops, reconnects fail. */
    void stop();

    /** ... and comes back with the same volumes and data. */
    void start();

    /** Namespace UUID and NGUID as Peregrine derives them from the volume UUID: the UUID itself. */
    static String nguidOf(UUID volume) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(volume.getMostSignificantBits()).putLong(volume.getLeastSignificantBits());
        return HexFormat.of().formatHex(b.array());
    }
}
