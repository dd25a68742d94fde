package io.peregrine.csi.volume;

/**
 * Keys of the volume_context CreateVolume returns. The CO hands the context back to
 * ControllerPublishVolume, NodeStageVolume and NodePublishVolume unchanged.
 */
public final class VolumeContext {

    /** The storage node holding the volume. */
    public static final String NODE = "csi.peregrine.io/node";
    /** Its pool there. */
    public static final String POOL = "csi.peregrine.io/pool";
    /** The StorageClass fsType, used by NodeStageVolume when the capability names none. */
    public static final String FS_TYPE = "csi.peregrine.io/fsType";

    private VolumeContext() {}
}
