package io.peregrine.csi.conformance;

import io.peregrine.csi.v1.NodeGrpc;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node plugin to run {@link NodeConformance} against, with a way to obtain a published volume
 * (what ControllerPublishVolume would have produced) and a scratch directory for staging and
 * target paths.
 */
public interface NodeUnderTest {

    NodeGrpc.NodeBlockingStub node();

    /** A fresh volume of {@code sizeBytes}, exported to this node: its id and publish context. */
    Published publish(long sizeBytes);

    /** Where staging and target paths may be created. */
    Path scratch();

    record Published(String volumeId, Map<String, String> publishContext) {}
}
