package io.peregrine.csi.volume;

import static io.peregrine.csi.conformance.Csi.block;
import static io.peregrine.csi.conformance.Csi.mount;
import static io.peregrine.csi.conformance.Csi.withMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.csi.v1.VolumeCapability;
import io.peregrine.csi.v1.VolumeCapability.AccessMode.Mode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessModesTest {

    @Test
    void singleNodeModesForMountAndBlockOnly() {
        for (Mode mode : Mode.values()) {
            if (mode == Mode.UNRECOGNIZED) continue;
            boolean single = AccessModes.SUPPORTED.contains(mode);
            assertEquals(
                    single,
                    AccessModes.unsupported(withMode(mount("ext4"), mode)).isEmpty(),
                    mode.name());
            assertEquals(
                    single, AccessModes.unsupported(withMode(block(), mode)).isEmpty(), mode.name());
        }
        assertTrue(AccessModes.isReadOnly(withMode(block(), Mode.SINGLE_NODE_READER_ONLY)));
    }

    @Test
    void filesystemsAreExt4AndXfs() {
        assertEquals(Optional.empty(), AccessModes.unsupported(mount("")));
        assertEquals(Optional.empty(), AccessModes.unsupported(mount("XFS")));
        assertTrue(AccessModes.unsupported(mount("btrfs")).orElseThrow().contains("ext4 or xfs"));
        assertTrue(AccessModes.unsupported(VolumeCapability.newBuilder()
                        .setMount(VolumeCapability.MountVolume.newBuilder())
                        .build())
                .orElseThrow()
                .contains("access_mode"));
        assertTrue(AccessModes.unsupported(VolumeCapability.getDefaultInstance())
                .orElseThrow()
                .contains("neither block nor mount"));
        assertTrue(AccessModes.unsupported(mount("ext4").toBuilder()
                        .setMount(VolumeCapability.MountVolume.newBuilder().setVolumeMountGroup("1000"))
                        .build())
                .orElseThrow()
                .contains("volume_mount_group"));
    }
}
