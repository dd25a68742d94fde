package io.peregrine.csi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.v1.VolumeCapability;
import org.junit.jupiter.api.function.Executable;

/** Shared request pieces and the one assertion every error-path test makes. */
public final class Csi {

    private Csi() {}

    /** The call fails with exactly {@code code}; its message must say something. */
    public static StatusRuntimeException assertCode(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "got " + e.getStatus());
        if (code != Status.Code.OK
                && (e.getStatus().getDescription() == null
                        || e.getStatus().getDescription().isBlank())) {
            throw new AssertionError("a non-OK status MUST carry a human-readable message: " + e.getStatus());
        }
        return e;
    }

    public static VolumeCapability mount(String fsType) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    public static VolumeCapability block() {
        return VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    public static VolumeCapability withMode(VolumeCapability capability, VolumeCapability.AccessMode.Mode mode) {
        return capability.toBuilder()
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(mode))
                .build();
    }
}
